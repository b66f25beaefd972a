/**
 * The simulator is an optional peer of the agent: `acs-agent` on real hardware neither needs
 * nor loads it, and a configuration that asks for simulated parts without it installed fails
 * with a message naming the package. Each case runs the agent's own entry point in a child
 * process under a resolve hook that makes `@acs/hardware-sim` unresolvable.
 */
import { describe, test } from '@jest/globals';
import { onTestFinished, testUnless } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { tempDir } from './test-support/fixtures.js';
import { finished, type Finished } from './test-support/spawn.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
const WITHOUT_SIMULATOR = fileURLToPath(new URL('./test-support/without-simulator.js', import.meta.url));
// The agent drives its lock lines through the kernel's own /sys/class/gpio: not on a machine that has one.
const realGpio = existsSync('/sys/class/gpio') ? 'this machine has real GPIO, which the agent would drive' : false;

/** A Pi's configuration: an RDM6300 on the UART, a Wiegand reader on GPIO (sysfs under `sysfsRoot`). */
function piConfig(dataDir: string, sysfsRoot: string): Record<string, unknown> {
  return {
    version: 1,
    agentId: 'agent-pi',
    // Nothing listens there: the agent keeps retrying the broker in the background.
    mqtt: { url: 'mqtt://127.0.0.1:1', password: 'not-used' },
    dataDir,
    gpio: { provider: 'onoff', sysfsRoot },
    readers: [
      { id: 'gate-in', door: 'gate', direction: 'in', type: 'rdm6300', serial: { path: join(dataDir, 'no-such-tty'), driver: 'system' } },
      { id: 'gate-out', door: 'gate', direction: 'out', type: 'wiegand', wiegand: { d0Line: 5, d1Line: 6 } },
    ],
    doors: [{ id: 'gate', lock: { line: 17 } }],
    sim: { controlServer: false },
  };
}

/** The same site on simulated hardware, as the demo runs it. */
function simConfig(dataDir: string): Record<string, unknown> {
  return {
    version: 1,
    agentId: 'agent-demo',
    mqtt: { url: 'mqtt://127.0.0.1:1', password: 'not-used' },
    dataDir,
    gpio: { provider: 'sim' },
    readers: [{ id: 'gate-in', door: 'gate', direction: 'in', type: 'rdm6300', serial: { path: 'sim/gate-in', driver: 'sim' } }],
    doors: [{ id: 'gate', lock: { line: 17 } }],
    sim: { controlServer: true },
  };
}

/** A sysfs GPIO tree with the Raspberry Pi's header chip, for the doctor and the agent to find. */
async function fakeSysfs(root: string): Promise<void> {
  const chip = join(root, 'gpiochip512');
  await mkdir(chip, { recursive: true });
  await writeFile(join(chip, 'base'), '512\n');
  await writeFile(join(chip, 'label'), 'pinctrl-bcm2711\n');
  await writeFile(join(chip, 'ngpio'), '58\n');
  await writeFile(join(root, 'export'), '');
}

async function withoutSimulator(args: string[], requests: string, stopWhen?: RegExp): Promise<Finished> {
  const child = spawn(process.execPath, ['--import', WITHOUT_SIMULATOR, MAIN, ...args], {
    stdio: 'pipe',
    env: { ...process.env, ACS_TEST_SIMULATOR_REQUESTS: requests, ACS_LOG_LEVEL: 'debug', ACS_LOG_FORMAT: 'pretty' },
  });
  if (stopWhen) {
    let seen = '';
    const stop = (d: Buffer) => {
      seen += d.toString();
      if (stopWhen.test(seen)) child.kill('SIGTERM');
    };
    child.stdout.on('data', stop);
    child.stderr.on('data', stop);
  }
  return finished(child, 20_000);
}

async function simulatorRequests(file: string): Promise<string> {
  return readFile(file, 'utf8').catch(() => '');
}

describe('the agent without @acs/hardware-sim installed', () => {
  test('acs-agent doctor checks a Pi configuration without asking for the simulator', async () => {
    const dir = await tempDir();
    onTestFinished(() => dir.remove());
    const sysfs = join(dir.path, 'sys-class-gpio');
    await fakeSysfs(sysfs);
    const file = join(dir.path, 'agent.yaml');
    await writeFile(file, stringify(piConfig(join(dir.path, 'data'), sysfs)));
    const requests = join(dir.path, 'simulator-requests.txt');

    const result = await withoutSimulator(['doctor', '--config', file], requests);

    assert.match(result.stdout, /^ok\s+config\s/m, result.stdout + result.stderr);
    assert.match(result.stdout, /^PROBLEM\s+serial gate-in\s+.*does not exist/m, 'the missing UART is reported, not a missing simulator');
    assert.match(result.stdout, /^ok\s+gpio\s/m);
    assert.match(result.stdout, /^PROBLEM\s+broker\s/m);
    assert.doesNotMatch(result.stdout + result.stderr, /hardware-sim/);
    assert.equal(await simulatorRequests(requests), '', 'the simulator was never asked for');
  });

  testUnless(realGpio)('acs-agent with a Pi configuration builds its hardware without asking for the simulator', async () => {
    const dir = await tempDir();
    onTestFinished(() => dir.remove());
    const sysfs = join(dir.path, 'sys-class-gpio');
    await fakeSysfs(sysfs);
    const file = join(dir.path, 'agent.yaml');
    await writeFile(file, stringify(piConfig(join(dir.path, 'data'), sysfs)));
    const requests = join(dir.path, 'simulator-requests.txt');

    // This machine has no GPIO lines to drive (onoff exports them under /sys/class/gpio), so the
    // agent stops once it reaches its real hardware: what matters is that it got there without
    // the simulator.
    const result = await withoutSimulator(['--config', file], requests, /agent agent-pi running/);

    assert.match(result.stderr, /GPIO via sysfs/, result.stdout + result.stderr);
    assert.match(result.stderr, /agent agent-pi starting/);
    assert.doesNotMatch(result.stdout + result.stderr, /hardware-sim/);
    assert.equal(await simulatorRequests(requests), '', 'the simulator was never asked for');
  });

  test('acs-agent with a simulated configuration fails at start-up, naming the package to install', async () => {
    const dir = await tempDir();
    onTestFinished(() => dir.remove());
    const file = join(dir.path, 'agent.yaml');
    await writeFile(file, stringify(simConfig(join(dir.path, 'data'))));
    const requests = join(dir.path, 'simulator-requests.txt');

    const result = await withoutSimulator(['--config', file], requests);

    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(
      result.stderr,
      /reader gate-in \(serial\.driver: sim\), gpio\.provider: sim needs the simulator package @acs\/hardware-sim, which is not installed/,
    );
    assert.match(result.stderr, /npm ci -w hardware-sim/);
    assert.match(await simulatorRequests(requests), /^@acs\/hardware-sim from /);
  });
});
