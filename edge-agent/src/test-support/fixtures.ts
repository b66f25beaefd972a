/**
 * Test fixtures: the demo site's permission set in miniature, a capturing logger, and
 * helpers shared by the agent's tests. Not part of the agent's runtime.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PermissionCard, PermissionSet, PermissionsMessage } from '@acs/shared/mqtt/payloads';
import { permissionSetHash } from '@acs/shared/sync/permission-hash';
import { createLogger, type Logger } from '../log/logger.js';
import { parseAgentConfig, type AgentConfig } from '../config/agent-config.js';

export const TAG_EMPLOYEE = 3887558;
export const TAG_CONTRACTOR = 7654321;

export function card(overrides: Partial<PermissionCard> & Pick<PermissionCard, 'credential'>): PermissionCard {
  return {
    cardId: `card-${overrides.credential}`,
    personId: 'p-1',
    holder: 'Zhang Wei',
    type: 'employee',
    status: 'active',
    validFrom: null,
    validUntil: null,
    levelCeilingOverride: null,
    grants: [],
    ...overrides,
  };
}

/** lobby (L0) → office (L1) → lab (L2), office → machine-room (L3). */
export function demoPermissionSet(overrides: Partial<PermissionSet> = {}): PermissionSet {
  return {
    agentId: 'agent-1',
    version: 1,
    issuedAt: Date.UTC(2025, 0, 1),
    site: { timeZone: 'Asia/Shanghai', holidays: ['2025-10-01'] },
    cardTypeCeilings: { employee: 3, contractor: 2, temporary: 2, visitor: 2 },
    zones: [
      { id: 'lobby', name: 'Lobby', level: 0, parentId: null, antiPassback: 'off' },
      { id: 'office', name: 'Office', level: 1, parentId: 'lobby', antiPassback: 'off' },
      { id: 'lab', name: 'Lab', level: 2, parentId: 'office', antiPassback: 'off' },
      { id: 'machine-room', name: 'Machine room', level: 3, parentId: 'office', antiPassback: 'off' },
    ],
    doors: [
      { id: 'office-gate', name: 'Office gate', fromZoneId: 'lobby', toZoneId: 'office', releaseMs: 5000, heldOpenMs: 30000 },
      { id: 'lab', name: 'Lab door', fromZoneId: 'office', toZoneId: 'lab', releaseMs: 5000, heldOpenMs: 30000 },
      { id: 'machine-room', name: 'Machine room door', fromZoneId: 'office', toZoneId: 'machine-room', releaseMs: 5000, heldOpenMs: 30000 },
    ],
    schedules: [
      { id: 'office-hours', name: 'Office hours', holidays: 'closed', windows: [{ days: [1, 2, 3, 4, 5], start: '08:00', end: '18:00' }] },
      {
        id: 'night-shift',
        name: 'Night shift',
        holidays: 'normal',
        windows: [{ days: [1, 2, 3, 4, 5, 6, 7], start: '22:00', end: '06:00' }],
      },
    ],
    cards: [
      card({
        credential: `em4100:${TAG_EMPLOYEE}`,
        grants: [
          { zoneId: 'office', scheduleId: null, validUntil: null },
          { zoneId: 'lab', scheduleId: null, validUntil: null },
          { zoneId: 'machine-room', scheduleId: null, validUntil: null },
          { zoneId: 'lobby', scheduleId: null, validUntil: null },
        ],
      }),
      card({
        credential: `em4100:${TAG_CONTRACTOR}`,
        cardId: 'card-contractor',
        personId: 'p-2',
        holder: 'Li Na',
        type: 'contractor',
        grants: [
          { zoneId: 'office', scheduleId: null, validUntil: null },
          { zoneId: 'machine-room', scheduleId: null, validUntil: null },
        ],
      }),
    ],
    ...overrides,
  };
}

/** A site of `count` cardholders (UUID ids, as the server gives them), on the demo site's zones and doors. */
export function largePermissionSet(count: number, overrides: Partial<PermissionSet> = {}): PermissionSet {
  const cards = new Array<PermissionCard>(count);
  for (let i = 0; i < count; i++) {
    const hex = i.toString(16).padStart(12, '0');
    cards[i] = {
      credential: `h10301:${(i >> 16) & 255}:${i & 65535}`,
      cardId: `c0000000-0000-4000-8000-${hex}`,
      personId: `b0000000-0000-4000-8000-${hex}`,
      holder: `Person ${i}`,
      type: i % 50 === 0 ? 'contractor' : 'employee',
      status: 'active',
      validFrom: null,
      validUntil: null,
      levelCeilingOverride: null,
      grants:
        i % 3 === 0
          ? [
              { zoneId: 'office', scheduleId: null, validUntil: null },
              { zoneId: 'lab', scheduleId: null, validUntil: null },
            ]
          : [{ zoneId: 'lab', scheduleId: null, validUntil: null }],
    };
  }
  return demoPermissionSet({ cards, ...overrides });
}

export function snapshot(set: PermissionSet): PermissionsMessage {
  return { kind: 'snapshot', set, hash: permissionSetHash(set) };
}

export interface CapturedLog {
  logger: Logger;
  lines: string[];
  /** Lines at `level` containing `text`. */
  find(text: string, level?: 'ERROR' | 'WARN' | 'INFO' | 'DEBUG'): string[];
}

export function captureLogger(level: 'debug' | 'info' = 'debug'): CapturedLog {
  const lines: string[] = [];
  const logger = createLogger('acs:agent', { level, sink: (line) => lines.push(line) });
  return {
    logger,
    lines,
    find: (text, lvl) => lines.filter((l) => l.includes(text) && (!lvl || l.includes(` ${lvl} `) || l.includes(` ${lvl}  `))),
  };
}

export async function tempDir(prefix = 'acs-agent-test-'): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** The demo configuration (three doors, simulated) pointed at `dataDir` and `mqttUrl`. */
export function simAgentConfig(dataDir: string, mqttUrl: string, overrides: Record<string, unknown> = {}): AgentConfig {
  return parseAgentConfig(
    {
      version: 1,
      agentId: 'agent-1',
      mqtt: { url: mqttUrl, keepaliveSec: 10 },
      dataDir,
      gpio: { provider: 'sim' },
      readers: [
        {
          id: 'office-gate-in',
          door: 'office-gate',
          direction: 'in',
          type: 'rdm6300',
          serial: { path: 'sim/office-gate-in', driver: 'sim' },
          debounceMs: 0,
        },
        { id: 'lab-in', door: 'lab', direction: 'in', type: 'rdm6300', serial: { path: 'sim/lab-in', driver: 'sim' }, debounceMs: 0 },
        {
          id: 'machine-room-in',
          door: 'machine-room',
          direction: 'in',
          type: 'rdm6300',
          serial: { path: 'sim/machine-room-in', driver: 'sim' },
          debounceMs: 0,
        },
      ],
      doors: [
        { id: 'office-gate', lock: { line: 17 }, contact: { line: 27, debounceMs: 0 }, exitButton: { line: 22, debounceMs: 0 } },
        { id: 'lab', lock: { line: 23 }, contact: { line: 24, debounceMs: 0 } },
        { id: 'machine-room', lock: { line: 5, activeLow: true }, contact: { line: 6, debounceMs: 0 } },
      ],
      sim: { controlServer: false },
      ...overrides,
    },
    { env: {}, source: 'test config' },
  );
}

/** Resolves with the first emitted value matching `predicate`, or rejects after `timeoutMs`. */
export function waitFor<T>(
  subscribe: (listener: (value: T) => void) => () => void,
  predicate: (value: T) => boolean,
  timeoutMs = 3000,
  what = 'event',
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const unsubscribe = subscribe((value) => {
      if (!predicate(value)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(value);
    });
  });
}

export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
