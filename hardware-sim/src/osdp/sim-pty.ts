/**
 * A pair of connected pseudo-terminals from socat, so a control panel and a simulated
 * device can talk through real tty devices with the operating system's serial driver:
 *
 *   socat -d -d pty,raw,echo=0,link=<dir>/a pty,raw,echo=0,link=<dir>/b
 *
 * Resolves once both links exist; `close()` stops socat and removes the folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PtyPair {
  /** The end the control panel opens. */
  a: string;
  /** The end the simulated device opens. */
  b: string;
  close(): Promise<void>;
}

export class PtyUnavailableError extends Error {
  override readonly name = 'PtyUnavailableError';
}

export const SOCAT_PATH = process.env.ACS_SOCAT ?? '/usr/bin/socat';

export function ptyAvailable(): boolean {
  return existsSync(SOCAT_PATH);
}

export async function startPtyPair(options: { timeoutMs?: number } = {}): Promise<PtyPair> {
  if (!ptyAvailable()) throw new PtyUnavailableError(`socat not found at ${SOCAT_PATH}`);
  const dir = await mkdtemp(join(tmpdir(), 'acs-pty-'));
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  const child: ChildProcess = spawn(SOCAT_PATH, ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  let exited = false;
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const close = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      await Promise.race([exit, new Promise((resolve) => setTimeout(resolve, 2000))]);
      if (!exited) child.kill('SIGKILL');
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + (options.timeoutMs ?? 5000);
  // socat prints "starting data transfer loop" once both ends are ready.
  while (!(existsSync(a) && existsSync(b) && stderr.includes('starting data transfer loop'))) {
    if (exited || Date.now() > deadline) {
      await close();
      throw new PtyUnavailableError(`socat did not provide a pty pair: ${stderr.trim().split('\n').slice(-2).join(' ') || 'no output'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { a, b, close };
}
