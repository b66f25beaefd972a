#!/usr/bin/env node
/**
 * `acs-permissions <file>` or `acs-permissions --data-dir <dir>`: prints a permission set as
 * the JSON snapshot message it stands for, for debugging: binary sets (`acsp/1`) are not
 * readable with mosquitto_sub or sqlite3. The file is a payload as captured from the
 * `permissions` topic or a stored page dump: a binary document or a single-part set, or a
 * JSON message (gzip or not). `--summary` prints the header and the card count only.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import { isCompressed, MAX_DECOMPRESSED_BYTES } from '@acs/shared/mqtt/compression';
import type { PermissionSnapshot } from '@acs/shared/mqtt/payloads';
import { documentToMessage, isWireFrame, isWirePart, PartAssembler } from '@acs/shared/sync/permission-wire';
import { LocalStore } from './store/local-store.js';

const USAGE = `usage: acs-permissions <payload file> | --data-dir <agent data folder> [--summary]`;

/** The message a payload stands for. Throws with the reason for bytes that are not a set. */
export function payloadToMessage(payload: Uint8Array): PermissionSnapshot {
  const bytes = isCompressed(payload) ? gunzipSync(payload, { maxOutputLength: MAX_DECOMPRESSED_BYTES }) : payload;
  if (isWirePart(bytes)) {
    const document = new PartAssembler().add(bytes);
    if (!document) throw new Error('this is one part of a set sent in several: capture them all and concatenate their documents');
    return documentToMessage(Buffer.concat(document));
  }
  if (isWireFrame(bytes)) return documentToMessage(bytes);
  const message = JSON.parse(Buffer.from(bytes).toString('utf8')) as { kind?: unknown };
  if (message.kind !== 'snapshot') throw new Error(`a ${String(message.kind)} message, not a snapshot`);
  return message as PermissionSnapshot;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: { 'data-dir': { type: 'string' }, summary: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  if (values.help || (positionals.length !== 1) === !values['data-dir']) {
    process.stdout.write(`${USAGE}\n`);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  let message: PermissionSnapshot;
  if (values['data-dir']) {
    const store = await LocalStore.open(values['data-dir']);
    try {
      const stored = await store.loadPermissions();
      if (!stored) throw new Error('no permission set is stored there');
      message = { kind: 'snapshot', set: stored.set, hash: stored.hash };
    } finally {
      await store.close();
    }
  } else {
    message = payloadToMessage(await readFile(positionals[0]!));
  }
  const { cards, ...header } = message.set;
  const output = values.summary ? { kind: message.kind, hash: message.hash, set: { ...header, cards: cards.length } } : message;
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`acs-permissions: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
