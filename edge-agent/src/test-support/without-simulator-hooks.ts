/**
 * Module resolve hook: `@acs/hardware-sim` cannot be found, as on a Raspberry Pi installed
 * without it. Each attempt is appended to the file named by ACS_TEST_SIMULATOR_REQUESTS, so a
 * test sees whether the agent asked for the simulator at all (even if it caught the error).
 */
import { appendFileSync } from 'node:fs';
import type { ResolveHook } from 'node:module';

const HIDDEN = '@acs/hardware-sim';

export const resolve: ResolveHook = (specifier, context, nextResolve) => {
  if (specifier !== HIDDEN && !specifier.startsWith(`${HIDDEN}/`)) return nextResolve(specifier, context);
  const requests = process.env.ACS_TEST_SIMULATOR_REQUESTS;
  if (requests) appendFileSync(requests, `${specifier} from ${context.parentURL ?? '?'}\n`);
  // What node itself throws for a package that is not installed.
  throw Object.assign(new Error(`Cannot find package '${HIDDEN}' imported from ${context.parentURL ?? '?'}`), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
};
