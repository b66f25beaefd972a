// Sample payloads for the tests of every part. Not a test file itself.
import { randomUUID } from 'node:crypto';

/** A granted badge at the lab door as agent-1 reports it; tests override what they are about. */
export function sampleAccessEvent(overrides: Record<string, unknown> = {}) {
  return {
    kind: 'access',
    eventId: randomUUID(),
    agentId: 'agent-1',
    seq: 1,
    occurredAt: 1_700_000_000_000,
    doorId: 'lab',
    readerId: 'lab-in',
    direction: 'in',
    zoneId: 'lab',
    credential: 'em4100:3887558',
    cardId: 'c1',
    personId: 'p1',
    holder: '张伟',
    granted: true,
    reason: 'granted',
    permissionVersion: 3,
    ...overrides,
  };
}
