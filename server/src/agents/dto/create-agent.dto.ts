import { IsOptional, IsString, MaxLength } from 'class-validator';
import { IsSlug } from '../../common/dto-rules.js';

export class CreateAgentDto {
  /** Also the agent's MQTT username and the id in its topics. */
  @IsSlug()
  id!: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;
}
