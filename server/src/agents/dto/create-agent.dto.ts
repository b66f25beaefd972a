import { IsOptional, MaxLength } from 'class-validator';
import { IsSlug } from '../../common/dto-rules.js';
import { HumanText } from '../../common/human-text.js';

export class CreateAgentDto {
  /** Also the agent's MQTT username and the id in its topics. */
  @IsSlug()
  id!: string;

  @IsOptional()
  @HumanText({ allowEmpty: true })
  @MaxLength(200)
  name?: string;
}
