import type { AntiPassbackMode, CardType } from '@acs/shared/access/model';
import type { PersonKind } from '@acs/shared/api/people';

// Lists of stable codes for pickers. Keyed records make a new code in @acs/shared a compile
// error here, while the type-only imports keep zod (used by access/model) out of the bundle.
const keys = <K extends string>(record: Record<K, true>): K[] => Object.keys(record) as K[];

export const CARD_TYPE_LIST = keys<CardType>({ employee: true, contractor: true, temporary: true, visitor: true });
export const ANTI_PASSBACK_LIST = keys<AntiPassbackMode>({ off: true, soft: true, hard: true });
export const PERSON_KIND_LIST = keys<PersonKind>({ employee: true, contractor: true, visitor: true });
export const LEVEL_LIST = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
