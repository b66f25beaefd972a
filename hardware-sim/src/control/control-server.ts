/**
 * The simulated agent's control panel: an HTTP server on 127.0.0.1 (ephemeral port) that
 * lets people and tests present cards and move doors. `acs-sim` finds it through the
 * registry file (see `sim-registry.ts`).
 *
 * Routes (JSON bodies):
 * - `POST /badge {door, card, direction?}`: presents `card` at the door's reader the way
 *   that reader reports it (`3887558` at an EM reader, `123:4567` at a Wiegand reader,
 *   `04a1b2c3` at a PN532), waits briefly for the lock, answers `{released}`; a card that
 *   cannot come from that reader is refused (400 `card_mismatch`).
 * - `POST /door {door, action: open|close|force|exit}`
 * - `POST /reader {door, direction?, action: unplug|replug|tamper|untamper}`: trouble at
 *   the door's reader (400 `not_possible` when that reader cannot have it)
 * - `GET /state`
 * Errors: `{error: <code>, message}` with status 400 (bad body), 404 (unknown door or
 * route), 409 (the door is locked).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { readerDirectionSchema } from '@acs/shared/access/model';
import { presentationFor, SimCardError } from '../readers/sim-card.js';
import { READER_ACTIONS, SimReaderActionError, type ReaderAction, type SimHardware, type SimReaderType } from '../sim-hardware.js';
import { removeRegistryEntry, writeRegistryEntry } from './sim-registry.js';

/** Minimal logger shape; the agent's logger fits it. */
export interface SimLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface ControlServerOptions {
  sim: SimHardware;
  agentId: string;
  /** Folder for the registry file; null: do not register (tests that talk to `port` directly). */
  registryDir: string | null;
  /** How long /badge waits for the lock to release. Default 300 ms. */
  releaseWaitMs?: number;
  log?: SimLogger;
}

export interface ControlServer {
  readonly port: number;
  readonly registryFile: string | null;
  close(): Promise<void>;
}

export const badgeRequestSchema = z.object({
  door: z.string().min(1).max(64),
  /** Checked against the reader's kind once the door is known (see `sim-card.ts`). */
  card: z.union([z.number().int().min(0), z.string().trim().min(1).max(64)], {
    error: 'a card as the reader reports it: 3887558 (EM), 123:4567 (Wiegand) or 04a1b2c3 (chip UID)',
  }),
  direction: readerDirectionSchema.default('in'),
});
export type BadgeRequest = z.input<typeof badgeRequestSchema>;

export const DOOR_ACTIONS = ['open', 'close', 'force', 'exit'] as const;
export type DoorAction = (typeof DOOR_ACTIONS)[number];

export const doorRequestSchema = z.object({
  door: z.string().min(1).max(64),
  action: z.enum(DOOR_ACTIONS),
});
export type DoorRequest = z.infer<typeof doorRequestSchema>;

export const readerRequestSchema = z.object({
  door: z.string().min(1).max(64),
  direction: readerDirectionSchema.default('in'),
  action: z.enum(READER_ACTIONS),
});
export type ReaderRequest = z.input<typeof readerRequestSchema>;

export interface ReaderResponse {
  door: string;
  direction: 'in' | 'out';
  action: ReaderAction;
  /** What happened, for people: `sim/lab-in unplugged (lab-in)`. */
  result: string;
}

export interface BadgeResponse {
  door: string;
  card: string;
  /** The number as printed on the card. */
  cardDisplay: string;
  readerType: SimReaderType;
  direction: 'in' | 'out';
  released: boolean;
}

export interface DoorResponse {
  door: string;
  action: DoorAction;
  open: boolean;
  locked: boolean;
}

export interface StateResponse {
  agentId: string;
  pid: number;
  doors: { id: string; locked: boolean; open: boolean; releases: number; lastReleaseAt: number | null }[];
  /** `path` for serial readers, `D0/D1 lines` for Wiegand readers. */
  readers: { id: string; door: string; direction: 'in' | 'out'; type: SimReaderType; path: string; connected: boolean }[];
}

export interface ErrorResponse {
  error: string;
  message: string;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const MAX_BODY = 16 * 1024;

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, 'body_too_large', `request body over ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, 'invalid_json', `body is not JSON: ${(err as Error).message}`);
  }
}

function validate<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body);
  if (!result.success) throw new HttpError(400, 'validation_failed', z.prettifyError(result.error));
  return result.data;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(`${JSON.stringify(body)}\n`);
}

export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const { sim, agentId } = options;
  const releaseWaitMs = options.releaseWaitMs ?? 300;

  const doorOrThrow = (doorId: string) => {
    if (!sim.hasDoor(doorId)) {
      throw new HttpError(404, 'unknown_door', `agent ${agentId} has no door ${doorId} (doors: ${sim.doorIds().join(', ')})`);
    }
    return sim.door(doorId);
  };

  const badge = async (body: unknown): Promise<BadgeResponse> => {
    const request = validate(badgeRequestSchema, body);
    const door = doorOrThrow(request.door);
    const reader = sim.readerAt(request.door, request.direction);
    if (!reader) {
      throw new HttpError(400, 'no_reader', `door ${request.door} has no '${request.direction}' reader`);
    }
    let presentation;
    try {
      presentation = presentationFor(reader, request.card);
    } catch (err) {
      if (err instanceof SimCardError) throw new HttpError(400, 'card_mismatch', `door ${request.door}: ${err.message}`);
      throw err;
    }
    const release = door.waitForNextRelease(releaseWaitMs + presentation.expectedMs);
    const delivered = await presentation.present();
    if (!delivered) options.log?.warn('the agent does not have the reader open; the card was not read', { door: request.door });
    const released = await release;
    options.log?.info('card presented', { door: request.door, card: presentation.display, direction: request.direction, released });
    return {
      door: request.door,
      card: String(request.card),
      cardDisplay: presentation.display,
      readerType: reader.spec.type,
      direction: request.direction,
      released,
    };
  };

  const moveDoor = async (body: unknown): Promise<DoorResponse> => {
    const request = validate(doorRequestSchema, body);
    const door = doorOrThrow(request.door);
    switch (request.action) {
      case 'open':
        if (!door.open()) throw new HttpError(409, 'door_locked', `door ${request.door} is locked: badge first, or use force`);
        break;
      case 'close':
        door.close();
        break;
      case 'force':
        door.force();
        break;
      case 'exit':
        if (!door.spec.exitButton) throw new HttpError(400, 'no_exit_button', `door ${request.door} has no exit button`);
        await door.pressExit(200);
        break;
    }
    options.log?.info('door moved', { door: request.door, action: request.action });
    return { door: request.door, action: request.action, open: door.isOpen, locked: door.isLocked };
  };

  const troubleReader = (body: unknown): ReaderResponse => {
    const request = validate(readerRequestSchema, body);
    doorOrThrow(request.door);
    try {
      const result = sim.troubleAt(request.door, request.direction, request.action);
      options.log?.info('reader trouble', { door: request.door, direction: request.direction, action: request.action, result });
      return { door: request.door, direction: request.direction, action: request.action, result };
    } catch (err) {
      if (err instanceof SimReaderActionError) throw new HttpError(400, 'not_possible', err.message);
      throw err;
    }
  };

  const state = (): StateResponse => ({
    agentId,
    pid: process.pid,
    doors: sim.doorIds().map((id) => {
      const door = sim.door(id);
      const releases = door.lockReleases();
      return {
        id,
        locked: door.isLocked,
        open: door.isOpen,
        releases: releases.length,
        lastReleaseAt: releases[releases.length - 1]?.startedAt ?? null,
      };
    }),
    readers: [...sim.readers.values()].map((reader) => ({
      id: reader.spec.id,
      door: reader.spec.door,
      direction: reader.spec.direction,
      type: reader.spec.type,
      path:
        reader.spec.type === 'wiegand'
          ? `GPIO ${reader.spec.d0Line}/${reader.spec.d1Line}`
          : reader.spec.type === 'osdp'
            ? `${reader.spec.path} address ${reader.spec.address}`
            : reader.spec.path,
      connected: sim.readerConnected(reader),
    })),
  });

  const server = createServer((req, res) => {
    const route = `${req.method} ${(req.url ?? '/').split('?')[0]}`;
    const handle = async (): Promise<unknown> => {
      switch (route) {
        case 'POST /badge':
          return badge(await readJson(req));
        case 'POST /door':
          return moveDoor(await readJson(req));
        case 'POST /reader':
          return troubleReader(await readJson(req));
        case 'GET /state':
          return state();
        default:
          throw new HttpError(404, 'not_found', `no route ${route}; routes: POST /badge, POST /door, POST /reader, GET /state`);
      }
    };
    handle().then(
      (body) => send(res, 200, body),
      (err: unknown) => {
        if (err instanceof HttpError) {
          options.log?.warn('control request rejected', { route, error: err.code, message: err.message });
          send(res, err.status, { error: err.code, message: err.message } satisfies ErrorResponse);
        } else {
          options.log?.warn('control request failed', { route, message: (err as Error).message });
          send(res, 500, { error: 'internal', message: (err as Error).message } satisfies ErrorResponse);
        }
      },
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let file: string | null = null;
  if (options.registryDir !== null) {
    file = await writeRegistryEntry(options.registryDir, {
      agentId,
      port,
      pid: process.pid,
      doors: sim.doorIds(),
      startedAt: Date.now(),
    });
  }
  options.log?.info('simulator control server listening', { url: `http://127.0.0.1:${port}`, registry: file });

  return {
    port,
    registryFile: file,
    close: async () => {
      if (options.registryDir !== null) await removeRegistryEntry(options.registryDir, agentId);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
