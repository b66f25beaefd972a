import { IsInt, Max, Min } from 'class-validator';

export class ProvisioningWindowDto {
  /** How long install mode (the default key SCBK-D) is allowed for the reader. */
  @IsInt()
  @Min(1)
  @Max(240)
  minutes!: number;
}
