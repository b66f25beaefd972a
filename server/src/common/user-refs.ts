import { In } from 'typeorm';
import type { UserRef } from '@acs/shared/api/users';

/** The columns of a user account that name it on a record. */
export interface UserNameRow {
  id: string;
  username: string;
  displayName: string;
}

/** Reads user accounts by id; the auth domain's user table satisfies it. */
export interface UserNameSource {
  find(options: {
    select: { id: true; username: true; displayName: true };
    where: { id: ReturnType<typeof In<string>> };
  }): Promise<UserNameRow[]>;
}

/** Display names of the users named on records (requested by, approved by, decided by…). */
export async function loadUserRefs(users: UserNameSource, ids: Iterable<string | null | undefined>): Promise<Map<string, UserRef>> {
  const wanted = [...new Set([...ids].filter((id): id is string => typeof id === 'string'))];
  const refs = new Map<string, UserRef>();
  for (let i = 0; i < wanted.length; i += 500) {
    const rows = await users.find({ select: { id: true, username: true, displayName: true }, where: { id: In(wanted.slice(i, i + 500)) } });
    for (const u of rows) refs.set(u.id, { id: u.id, name: u.displayName || u.username });
  }
  return refs;
}

export function refOf(refs: ReadonlyMap<string, UserRef>, id: string | null): UserRef | null {
  if (!id) return null;
  return refs.get(id) ?? { id, name: id };
}
