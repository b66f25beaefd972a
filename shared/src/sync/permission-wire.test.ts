import { describe, test } from '@jest/globals';
import assert from '../testing/assert.js';
import type { PermissionCard, PermissionSet } from '../mqtt/payloads.js';
import { permissionSetHash } from './permission-hash.js';
import {
  assembleDocument,
  decodeDocument,
  documentToMessage,
  encodeCards,
  MAX_DOCUMENT_BYTES,
  PART_DATA_BYTES,
  PartAssembler,
  snapshotPayloads,
  splitIntoParts,
  WIRE_SCHEMA_VERSION,
  WireFormatError,
} from './permission-wire.js';

function cards(): PermissionCard[] {
  const base = {
    personId: 'p-1',
    holder: 'Zhang Wei',
    type: 'employee',
    status: 'active',
    validFrom: null,
    validUntil: null,
    levelCeilingOverride: null,
  } as const;
  return [
    {
      ...base,
      credential: 'em4100:1',
      cardId: 'card-1',
      grants: [
        { zoneId: 'office', scheduleId: null, validUntil: null },
        { zoneId: 'lab', scheduleId: 'office-hours', validUntil: Date.UTC(2030, 0, 1) },
      ],
    },
    {
      ...base,
      credential: 'em4100:2',
      cardId: '5f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
      personId: null,
      holder: '',
      type: 'visitor',
      status: 'suspended',
      validFrom: 5,
      validUntil: 10,
      grants: [],
      escortPersonIds: ['p-9', 'p-1'],
    },
    {
      ...base,
      credential: 'h10301:1:2',
      cardId: 'card-3',
      personId: 'ffffffff-0000-4abc-9def-123456789abc',
      holder: '张伟',
      type: 'contractor',
      levelCeilingOverride: 3,
      lockdownAccess: true,
      grants: [{ zoneId: 'office', scheduleId: null, validUntil: null }],
    },
  ];
}

function set(): PermissionSet {
  return {
    agentId: 'agent-1',
    version: 9,
    issuedAt: Date.UTC(2026, 0, 1),
    site: { timeZone: 'Asia/Shanghai', holidays: ['2026-10-01'] },
    cardTypeCeilings: { employee: 3, contractor: 2, temporary: 2, visitor: 2 },
    zones: [{ id: 'office', name: 'Office', level: 1, parentId: null, antiPassback: 'off' }],
    doors: [],
    schedules: [
      { id: 'office-hours', name: 'Office hours', holidays: 'closed', windows: [{ days: [1, 2, 3], start: '08:00', end: '18:00' }] },
    ],
    cards: cards(),
  };
}

function document(compress = false): Uint8Array {
  const { cards: all, ...header } = set();
  return assembleDocument({ hash: permissionSetHash(set()), header }, encodeCards(all), compress);
}

describe('binary permission sets', () => {
  test('a set decodes field for field, with the same content hash as its JSON form', async () => {
    const parts = await snapshotPayloads({ kind: 'snapshot', set: set(), hash: permissionSetHash(set()) });
    const assembler = new PartAssembler();
    const joined = parts.map((p) => assembler.add(p)).at(-1)!;
    const message = documentToMessage(Buffer.concat(joined));
    assert.deepEqual(message.set, set());
    assert.equal(permissionSetHash(message.set), message.hash);
  });

  test('is several times smaller than JSON for a large site', async () => {
    const many: PermissionCard[] = [];
    for (let i = 0; i < 20_000; i++) {
      const hex = i.toString(16).padStart(12, '0');
      many.push({
        ...cards()[0]!,
        credential: `h10301:${i >> 16}:${i & 65535}`,
        cardId: `c0000000-0000-4000-8000-${hex}`,
        personId: `b0000000-0000-4000-8000-${hex}`,
        holder: `Person ${i}`,
      });
    }
    const big = { ...set(), cards: many };
    const json = JSON.stringify({ kind: 'snapshot', set: big, hash: permissionSetHash(big) }).length;
    const binary = (await snapshotPayloads({ kind: 'snapshot', set: big, hash: permissionSetHash(big) })).reduce((n, p) => n + p.length, 0);
    assert.ok(binary * 4 < json, `binary ${binary} bytes, JSON ${json}`);
  });

  test('a newer schema version is refused with a message asking to upgrade the agent', () => {
    const bytes = document();
    bytes[4] = WIRE_SCHEMA_VERSION + 1;
    assert.throws(() => decodeDocument(bytes), /schema version 2; this agent reads version 1: upgrade the agent/);
  });

  test('truncated and corrupted sets are refused with the reason', () => {
    const bytes = document(true);
    assert.throws(() => decodeDocument(bytes.subarray(0, 10)), /truncated binary permission set/);
    assert.throws(() => decodeDocument(bytes.subarray(0, 40)), /truncated set|not valid MessagePack/);
    assert.throws(() => decodeDocument(bytes.subarray(0, bytes.length - 5)), /cards section is unusable/);
    const flipped = new Uint8Array(bytes);
    flipped[flipped.length - 12]! ^= 0xff;
    assert.throws(() => decodeDocument(flipped), WireFormatError);
  });

  test('a card that breaks the schema is refused by its index and field', () => {
    const bad = cards();
    bad[1] = { ...bad[1]!, credential: 'x' };
    const { cards: _cards, ...header } = set();
    const decoded = decodeDocument(assembleDocument({ hash: permissionSetHash(set()), header }, encodeCards(bad), false));
    assert.throws(() => [...decoded.cards], /card 1: credential must be a string of 3 to 100 characters/);
  });

  test('parts out of order, or announcing more than an agent accepts, are refused', () => {
    const parts = splitIntoParts(new Uint8Array(PART_DATA_BYTES * 2 + 1), 7);
    assert.equal(parts.length, 3);
    const assembler = new PartAssembler();
    assert.equal(assembler.add(parts[0]!), null);
    assert.throws(() => assembler.add(parts[2]!), /part 2 of 3 \(transfer 7\) arrived without the parts before it/);
    const huge = splitIntoParts(new Uint8Array(10), 8)[0]!;
    new DataView(huge.buffer).setUint32(16, MAX_DOCUMENT_BYTES / PART_DATA_BYTES + 1);
    assert.throws(() => new PartAssembler().add(huge), /more than the 256 MiB an agent accepts/);
  });
});
