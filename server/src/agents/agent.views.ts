import type { AgentView } from '@acs/shared/api/views';

export type { CreatedAgentView } from '@acs/shared/api/views';
