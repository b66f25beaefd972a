import { randomUUID } from 'node:crypto';
import type { AccessEvent } from '@acs/shared/mqtt/payloads';
import { DEMO_CARDS, DEMO_PEOPLE } from '../demo/demo-data.js';

/** The credential of a demo person's card: the server fills the holder in from it, as it does for a real agent's event. */
export function demoCredentialOf(person: { name: string }): string | undefined {
  const key = DEMO_PEOPLE.find((p) => p.name === person.name)?.key;
  return DEMO_CARDS.find((c) => c.holderKey === key)?.credential;
}

/**
 * A granted badge by `person` at the lab door as agent-1 reports it: tests override what
 * they are about (door, zone, time, sequence number).
 */
export function grantedAccess(
  person: { id: string; name: string },
  fields: Pick<AccessEvent, 'seq' | 'occurredAt'> & Partial<AccessEvent>,
): AccessEvent {
  return {
    eventId: randomUUID(),
    agentId: 'agent-1',
    kind: 'access',
    doorId: 'lab',
    readerId: 'lab-in',
    direction: 'in',
    zoneId: 'lab',
    credential: demoCredentialOf(person) ?? 'em4100:3887558',
    cardId: null,
    personId: person.id,
    holder: person.name,
    granted: true,
    reason: 'granted',
    permissionVersion: 1,
    ...fields,
  };
}
