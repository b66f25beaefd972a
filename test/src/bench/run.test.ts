import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';

// The benchmarks run outside Jest (`npm run bench`): every module they import, the agent's
// test-support helpers included, must load in plain Node. The harness loads all modules before
// it rejects an unknown name, so that rejection proves they load.
describe('npm run bench', () => {
  test('loads every benchmark module in plain Node and names them when asked for an unknown one', () => {
    const run = fileURLToPath(new URL('./run.js', import.meta.url));
    const child = spawnSync(process.execPath, [run, 'no-such-module'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(child.status, 2, child.stderr);
    assert.match(
      child.stderr,
      /unknown benchmark module\(s\): no-such-module; known: edge, sync, osdp, reception, alerts, history, cluster/,
    );
  });
});
