import type { AgentView } from '@acs/shared/api/agents';

export type { CreatedAgentView } from '@acs/shared/api/agents';
