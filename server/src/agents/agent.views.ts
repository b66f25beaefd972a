export type { CreatedAgentView } from '@acs/shared/api/agents';
