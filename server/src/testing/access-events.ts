import { randomUUID } from 'node:crypto';
import type { AccessEvent } from '@acs/shared/mqtt/payloads';

/**
 * A granted badge by `person` at the lab door as agent-1 reports it: tests override what
 * they are about (door, zone, time, sequence number).
 */
export function grantedAccess(person: { id: string; name: string }, fields: Pick<AccessEvent, 'seq' | 'occurredAt'> & Partial<AccessEvent>): AccessEvent {
  return {
    eventId: randomUUID(),
    agentId: 'agent-1',
    kind: 'access',
    doorId: 'lab',
    readerId: 'lab-in',
    direction: 'in',
    zoneId: 'lab',
    credential: 'em4100:3887558',
    cardId: null,
    personId: person.id,
    holder: person.name,
    granted: true,
    reason: 'granted',
    permissionVersion: 1,
    ...fields,
  };
}
