export type { GrantView } from '@acs/shared/api/views';
