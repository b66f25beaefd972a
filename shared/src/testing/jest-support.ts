// What every part's Jest suites share beyond @jest/globals: skips that say why, cleanup tied to
// the test that made the mess, and timers faked per API. Not a test file itself;
// scripts/jest-setup.mjs wires the per-test part in for every test file.
import { describe, jest, test } from '@jest/globals';
import { runTestCleanups } from './test-cleanup.js';

/** A reason to skip (printed with the skipped suite or test), or false/undefined to run it. */
export type SkipReason = string | boolean | undefined | null;

function skippedName(name: string, reason: string | true): string {
  return reason === true ? `${name} [skipped]` : `${name} [skipped: ${reason}]`;
}

/**
 * `describe`, unless there is a reason not to: then the suite is skipped and its name carries the
 * reason, so the report says why (for instance which environment variable would enable it).
 */
export function describeUnless(skip: SkipReason): (name: string, body: () => void) => void {
  if (!skip) return describe;
  return (name, body) => describe.skip(skippedName(name, skip), body);
}

type TestBody = () => unknown;

/** `test`, unless there is a reason not to; like describeUnless, a skipped test's name says why. */
export function testUnless(skip: SkipReason): (name: string, body: TestBody, timeoutMs?: number) => void {
  if (!skip) return (name, body, timeoutMs) => test(name, body as () => Promise<unknown>, timeoutMs);
  return (name, body, timeoutMs) => test.skip(skippedName(name, skip), body as () => Promise<unknown>, timeoutMs);
}

export { onTestFinished, testStarting } from './test-cleanup.js';

/**
 * For scripts/jest-setup.mjs: the test has ended. Runs its cleanups (see test-cleanup.ts), then
 * like node's per-test mocks, faked timers and spies do not outlive the test.
 */
export async function testFinished(): Promise<void> {
  try {
    await runTestCleanups();
  } finally {
    jest.useRealTimers();
    jest.restoreAllMocks();
  }
}

/** The timer APIs of node's mock timers, each with the Jest fake-timer functions it stands for. */
const TIMER_APIS = {
  setTimeout: ['setTimeout', 'clearTimeout'],
  setInterval: ['setInterval', 'clearInterval'],
  setImmediate: ['setImmediate', 'clearImmediate'],
  Date: ['Date'],
} as const;

type FakeTimerOptions = NonNullable<Parameters<typeof jest.useFakeTimers>[0]>;
type FakeableApi = NonNullable<Extract<FakeTimerOptions, { doNotFake?: unknown }>['doNotFake']>[number];

const ALL_FAKEABLE: FakeableApi[] = [
  'Date',
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'requestIdleCallback',
  'cancelIdleCallback',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
  'Temporal',
];

/**
 * Fakes only the named timer APIs (Jest fakes them all by default), until the test ends; advance
 * them with jest.advanceTimersByTime. Everything else, promises and I/O included, keeps real time.
 */
export function fakeTimers(apis: ReadonlyArray<keyof typeof TIMER_APIS>): void {
  const faked = new Set<string>(apis.flatMap((api) => TIMER_APIS[api]));
  jest.useFakeTimers({ doNotFake: ALL_FAKEABLE.filter((api) => !faked.has(api)) });
}
