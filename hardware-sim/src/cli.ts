#!/usr/bin/env node
/**
 * `acs-sim`: present cards and move doors on a running simulated agent.
 *
 *   npm run sim -- badge --door machine-room --card 3887558 [--direction in|out]
 *       --card as the door's reader reports it: 3887558 (RDM6300 / EM line reader),
 *       123:4567 (Wiegand, or a line reader sending FC,CN), 04a1b2c3 (PN532 chip UID)
 *   npm run sim -- door open|close|force|exit --door lab
 *   npm run sim -- reader unplug|replug|tamper|untamper --door office-gate --direction out
 *   npm run sim -- list
 *
 * Finds the agent that has the door through the registry files under
 * `<data-dir>/sim/` (default data dir `./data`). Exit codes: 0 done, 1 the simulator
 * refused or failed (door locked, agent unreachable), 2 bad usage, unknown door or no
 * running agent.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  DOOR_ACTIONS,
  type BadgeResponse,
  type DoorAction,
  type DoorResponse,
  type ErrorResponse,
  type ReaderResponse,
} from './control/control-server.js';
import { READER_ACTIONS, type ReaderAction } from './sim-hardware.js';
import { readRegistry, registryDirForDataDir, type SimRegistryEntry } from './control/sim-registry.js';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { BUILT_IN_SCENARIOS, scenarioSchema, type ScenarioStep } from './control/scenarios.js';

export const SIM_USAGE = `usage:
  acs-sim badge --door <id> --card <card> [--direction in|out] [--data-dir <dir>]
  acs-sim door <open|close|force|exit> --door <id> [--data-dir <dir>]
  acs-sim reader <unplug|replug|tamper|untamper> --door <id> [--direction in|out] [--data-dir <dir>]
  acs-sim list [--data-dir <dir>]
  acs-sim scenario <day|file.json> [--data-dir <dir>]

  --card       as the door's reader reports it: 3887558 at an EM reader (RDM6300, line reader),
               123:4567 (facility:card) at a Wiegand or OSDP reader, 04a1b2c3 (chip UID) at a PN532
  reader       trouble at the door's reader: pull its cable and put it back (a reader fault the
               server shows), open or close its tamper switch (OSDP readers)
  --data-dir   the demo's data folder (default ./data); running agents register in <dir>/sim/`;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** Bad flags or command: exit 2 with the usage. */
class UsageError extends Error {}
/** Nothing to talk to (no agent, unknown door): exit 2, no usage. */
class NotFoundError extends Error {}
/** The simulator refused or could not be reached: exit 1. */
class FailedError extends Error {}

/** The shape every card form shares; whether it fits the door's reader is the agent's answer. */
function parseCard(value: string): string {
  const card = value.trim();
  if (!/^[\x21-\x7e][\x20-\x7e]{0,63}$/.test(card)) {
    throw new UsageError(`--card must be the card as the reader reports it (3887558, 123:4567 or 04a1b2c3), got '${value}'`);
  }
  return card;
}

async function findAgent(dataDir: string, doorId: string): Promise<SimRegistryEntry> {
  const registryDir = registryDirForDataDir(dataDir);
  const agents = await readRegistry(registryDir);
  if (agents.length === 0) {
    throw new NotFoundError(
      `no running simulated agent registered in ${registryDir} (start the demo with \`npm start\`, or pass --data-dir)`,
    );
  }
  const agent = agents.find((a) => a.doors.includes(doorId));
  if (!agent) {
    const known = [...new Set(agents.flatMap((a) => a.doors))].join(', ');
    throw new NotFoundError(`unknown door '${doorId}': running simulated agents have ${known || 'no doors'}`);
  }
  return agent;
}

async function post<T>(agent: SimRegistryEntry, path: string, body: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`http://127.0.0.1:${agent.port}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    });
  } catch (err) {
    throw new FailedError(`agent ${agent.agentId} (pid ${agent.pid}) did not answer on port ${agent.port}: ${(err as Error).message}`);
  }
  const payload = (await res.json().catch(() => null)) as T | ErrorResponse | null;
  if (!res.ok) {
    const message = (payload as ErrorResponse | null)?.message ?? `HTTP ${res.status}`;
    if (res.status === 404 || res.status === 400) throw new NotFoundError(message);
    throw new FailedError(message);
  }
  return payload as T;
}

/** Runs one command; returns the process exit code. */
async function loadScenario(name: string): Promise<ScenarioStep[]> {
  const builtIn = BUILT_IN_SCENARIOS[name];
  if (builtIn) return builtIn;
  if (!name.endsWith('.json'))
    throw new UsageError(`unknown scenario '${name}': built in are ${Object.keys(BUILT_IN_SCENARIOS).join(', ')}; or give a .json file`);
  let text: string;
  try {
    text = await readFile(name, 'utf8');
  } catch (err) {
    throw new NotFoundError(`cannot read scenario file ${name}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`scenario file ${name} is not JSON: ${(err as Error).message}`);
  }
  const parsed = scenarioSchema.safeParse(json);
  if (!parsed.success) throw new UsageError(`scenario file ${name} is not a valid scenario:\n${z.prettifyError(parsed.error)}`);
  return parsed.data.steps;
}

export async function runSimCli(argv: string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        door: { type: 'string' },
        card: { type: 'string' },
        direction: { type: 'string' },
        'data-dir': { type: 'string', default: './data' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      io.out(SIM_USAGE);
      return 0;
    }
    const [command, ...rest] = positionals;
    const dataDir = values['data-dir'];
    const requireDoor = (): string => {
      if (!values.door) throw new UsageError(`${command} needs --door <id>`);
      return values.door;
    };
    switch (command) {
      case 'badge': {
        if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
        const doorId = requireDoor();
        if (values.card === undefined) throw new UsageError('badge needs --card <card>');
        const card = parseCard(values.card);
        const direction = values.direction ?? 'in';
        if (direction !== 'in' && direction !== 'out') throw new UsageError(`--direction must be in or out, got '${direction}'`);
        const agent = await findAgent(dataDir, doorId);
        const result = await post<BadgeResponse>(agent, '/badge', { door: doorId, card, direction });
        const where = direction === 'in' ? doorId : `${doorId} (out)`;
        io.out(`${where}: card ${result.cardDisplay} → ${result.released ? 'lock released (granted)' : 'stayed locked (denied)'}`);
        return 0;
      }
      case 'door': {
        const [action, ...extra] = rest;
        if (!action || !(DOOR_ACTIONS as readonly string[]).includes(action)) {
          throw new UsageError(`door needs an action: ${DOOR_ACTIONS.join(', ')}${action ? ` (got '${action}')` : ''}`);
        }
        if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
        if (values.card !== undefined || values.direction !== undefined) throw new UsageError('door takes only --door and --data-dir');
        const doorId = requireDoor();
        const agent = await findAgent(dataDir, doorId);
        const result = await post<DoorResponse>(agent, '/door', { door: doorId, action: action as DoorAction });
        io.out(`${doorId}: ${action} → door ${result.open ? 'open' : 'closed'}, lock ${result.locked ? 'locked' : 'released'}`);
        return 0;
      }
      case 'reader': {
        const [action, ...extra] = rest;
        if (!action || !(READER_ACTIONS as readonly string[]).includes(action)) {
          throw new UsageError(`reader needs an action: ${READER_ACTIONS.join(', ')}${action ? ` (got '${action}')` : ''}`);
        }
        if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
        if (values.card !== undefined) throw new UsageError('reader takes --door, --direction and --data-dir');
        const direction = values.direction ?? 'in';
        if (direction !== 'in' && direction !== 'out') throw new UsageError(`--direction must be in or out, got '${direction}'`);
        const doorId = requireDoor();
        const agent = await findAgent(dataDir, doorId);
        const result = await post<ReaderResponse>(agent, '/reader', { door: doorId, direction, action: action as ReaderAction });
        io.out(result.result);
        return 0;
      }
      case 'list': {
        if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
        const registryDir = registryDirForDataDir(dataDir);
        const agents = await readRegistry(registryDir);
        if (agents.length === 0) throw new NotFoundError(`no running simulated agent registered in ${registryDir}`);
        for (const agent of agents) {
          io.out(`${agent.agentId}  pid ${agent.pid}  http://127.0.0.1:${agent.port}  doors: ${agent.doors.join(', ')}`);
        }
        return 0;
      }
      case 'scenario': {
        const [name, ...extra] = rest;
        if (!name) throw new UsageError(`scenario needs a name (${Object.keys(BUILT_IN_SCENARIOS).join(', ')}) or a JSON file`);
        if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
        const steps = await loadScenario(name);
        let failed = 0;
        for (const [i, step] of steps.entries()) {
          const label = `${String(i + 1).padStart(2)}.`;
          if (step.do === 'wait') {
            await new Promise((r) => setTimeout(r, step.ms));
            continue;
          }
          const agent = await findAgent(dataDir, step.door);
          if (step.do === 'door') {
            const result = await post<DoorResponse>(agent, '/door', { door: step.door, action: step.action });
            io.out(`${label} ${step.door}: ${step.action} → door ${result.open ? 'open' : 'closed'}${step.note ? `   ${step.note}` : ''}`);
            continue;
          }
          if (step.do === 'reader') {
            const result = await post<ReaderResponse>(agent, '/reader', {
              door: step.door,
              direction: step.direction,
              action: step.action,
            });
            io.out(`${label} ${result.result}${step.note ? `   ${step.note}` : ''}`);
            continue;
          }
          const result = await post<BadgeResponse>(agent, '/badge', {
            door: step.door,
            card: parseCard(step.card),
            direction: step.direction,
          });
          const ok = step.expectRelease === undefined || step.expectRelease === result.released;
          if (!ok) failed++;
          io.out(
            `${label} ${step.direction === 'in' ? step.door : `${step.door} (out)`}: card ${result.cardDisplay} → ${result.released ? 'lock released' : 'stayed locked'}` +
              `${ok ? '' : `  ✗ expected ${step.expectRelease ? 'a release' : 'no release'}`}${step.note ? `   ${step.note}` : ''}`,
          );
        }
        io.out(failed === 0 ? `scenario ${name}: every step as expected` : `scenario ${name}: ${failed} step(s) not as expected`);
        return failed === 0 ? 0 : 1;
      }
      case undefined:
        throw new UsageError('missing command');
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (err) {
    if (err instanceof FailedError) {
      io.err(`acs-sim: ${err.message}`);
      return 1;
    }
    if (err instanceof NotFoundError) {
      io.err(`acs-sim: ${err.message}`);
      return 2;
    }
    // parseArgs reports unknown flags and missing values as TypeErrors with a code.
    const message =
      err instanceof UsageError || (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS') ? (err as Error).message : null;
    if (message !== null) {
      io.err(`acs-sim: ${message}\n${SIM_USAGE}`);
      return 2;
    }
    io.err(`acs-sim: ${(err as Error).stack ?? String(err)}`);
    return 1;
  }
}

function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  const code = await runSimCli(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  });
  process.exitCode = code;
}
