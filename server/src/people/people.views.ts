import type { PersonView } from '@acs/shared/api/people';
import type { PersonEntity } from './person.entity.js';

export function toPersonView(p: PersonEntity): PersonView {
  return { id: p.id, name: p.name, kind: p.kind, department: p.department, email: p.email, status: p.status, departedAt: p.departedAt };
}
