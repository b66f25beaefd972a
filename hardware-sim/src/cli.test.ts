import { describe, test } from '@jest/globals';
import { onTestFinished } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startControlServer } from './control/control-server.js';
import { createSimHardware } from './sim-hardware.js';
import { startStandInController } from './test-support/stand-in-controller.js';
import { runSimCli } from './cli.js';

const CLI = fileURLToPath(new URL('./cli.js', import.meta.url));

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The same command in this process (fast); `run` spawns the real executable. */
async function runHere(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runSimCli(args, { out: (l) => (stdout += `${l}\n`), err: (l) => (stderr += `${l}\n`) });
  return { code, stdout, stderr };
}

async function tempDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'acs-sim-cli-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('acs-sim command line', () => {
  for (const [name, args, pattern] of [
    ['an unknown flag', ['badge', '--dor', 'lab'], /Unknown option '--dor'/],
    ['an unknown command', ['open-sesame'], /unknown command 'open-sesame'/],
    ['no command', [], /missing command/],
    ['badge without --door', ['badge', '--card', '1'], /badge needs --door/],
    ['badge without --card', ['badge', '--door', 'lab'], /badge needs --card/],
    [
      'a card with a control character',
      ['badge', '--door', 'lab', '--card', '12\u0007'],
      /--card must be the card as the reader reports it/,
    ],
    [
      'a card longer than any reader sends',
      ['badge', '--door', 'lab', '--card', '9'.repeat(65)],
      /--card must be the card as the reader reports it/,
    ],
    ['a bad direction', ['badge', '--door', 'lab', '--card', '1', '--direction', 'up'], /--direction must be in or out/],
    ['a bad door action', ['door', 'smash', '--door', 'lab'], /door needs an action: open, close, force, exit/],
    ['a flag missing its value', ['badge', '--door'], /--door/],
  ] as const) {
    test(`exits 2 with the usage on ${name}`, async () => {
      const result = await runHere([...args]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, pattern);
      assert.match(result.stderr, /usage:/);
    });
  }

  test('the executable exits 2 with the usage on a bad flag', async () => {
    const result = await run(['list', '--verbose']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Unknown option '--verbose'[\s\S]*usage:/);
  });

  test('exits 2 when no simulated agent is running', async () => {
    const dataDir = await tempDataDir();
    const result = await runHere(['badge', '--door', 'lab', '--card', '1', '--data-dir', dataDir]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /no running simulated agent registered in .*sim/);
  });

  test('ignores the registry entry of a process that has exited', async () => {
    const dataDir = await tempDataDir();
    await mkdir(join(dataDir, 'sim'));
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => dead.on('close', resolve));
    await writeFile(
      join(dataDir, 'sim', 'agent-9.json'),
      JSON.stringify({ agentId: 'agent-9', port: 9, pid: dead.pid, doors: ['lab'], startedAt: 1 }),
    );
    const result = await runHere(['list', '--data-dir', dataDir]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /no running simulated agent/);
  });

  test('presents a card through a running control server and prints the outcome', async () => {
    const dataDir = await tempDataDir();
    const sim = createSimHardware({
      readers: [{ id: 'machine-room-in', door: 'machine-room', direction: 'in', type: 'rdm6300', path: 'sim/mr' }],
      doors: [{ id: 'machine-room', lock: { line: 5, activeLow: true } }],
    });
    onTestFinished(await startStandInController(sim, [3887558]));
    const server = await startControlServer({ sim, agentId: 'agent-1', registryDir: join(dataDir, 'sim') });
    onTestFinished(() => server.close());

    const granted = await run(['badge', '--door', 'machine-room', '--card', '3887558', '--data-dir', dataDir]);
    assert.equal(granted.code, 0, granted.stderr);
    assert.equal(granted.stdout, 'machine-room: card 0003887558 → lock released (granted)\n');

    const denied = await runHere(['badge', '--door', 'machine-room', '--card', '42', '--data-dir', dataDir]);
    assert.equal(denied.stdout, 'machine-room: card 0000000042 → stayed locked (denied)\n');

    const unknown = await runHere(['badge', '--door', 'lab', '--card', '42', '--data-dir', dataDir]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown door 'lab': running simulated agents have machine-room/);
  });
});
