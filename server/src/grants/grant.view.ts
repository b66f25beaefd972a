export type { GrantView } from '@acs/shared/api/grants';
