import type { UserView } from '@acs/shared/api/users';

/** The signed-in user making a change: recorded on the change and checked by separation of duties. */
export type Actor = Pick<UserView, 'id' | 'role' | 'personId' | 'displayName' | 'username' | 'locale'>;
