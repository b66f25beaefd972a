import { describe, test } from '@jest/globals';
import assert from '../testing/assert.js';
import { sampleAccessEvent } from '../testing/payload-samples.js';
import { decodePayload } from './payloads.js';

const accessEvent = () => sampleAccessEvent();

describe('payload decoding', () => {
  test('accepts a valid events batch and keeps its types', () => {
    const result = decodePayload('events', JSON.stringify({ events: [accessEvent()] }));
    assert.equal(result.ok, true);
    if (result.ok) assert.equal(result.value.events[0]!.kind, 'access');
  });

  test('rejects bytes that are not JSON with a readable error', () => {
    const result = decodePayload('events', new Uint8Array([0x7b, 0x22, 0xff]));
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.error, /not JSON/);
  });

  test('rejects an unknown reason code and names the field', () => {
    const event = { ...accessEvent(), reason: 'because' };
    const result = decodePayload('events', JSON.stringify({ events: [event] }));
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.error, /reason/);
  });

  test('rejects an event without an event id', () => {
    const { eventId: _omitted, ...event } = accessEvent();
    const result = decodePayload('events', JSON.stringify({ events: [event] }));
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.error, /eventId/);
  });

  test('rejects an empty batch and a permission snapshot with a malformed hash', () => {
    assert.equal(decodePayload('events', '{"events":[]}').ok, false);
    assert.equal(decodePayload('permissions', '{"kind":"snapshot","hash":"abc","set":{}}').ok, false);
  });
});
