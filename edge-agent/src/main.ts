#!/usr/bin/env node
/**
 * `acs-agent --config <file>` (or ACS_AGENT_CONFIG): runs the edge agent until SIGINT or
 * SIGTERM, then relocks the doors and closes the store. Exit codes: 0 stopped cleanly,
 * 1 failed while running, 2 bad flags or bad configuration.
 *
 * `acs-agent doctor --config <file> [--server <url>]`: checks the installation and prints a
 * line per check; exit 0 when nothing is wrong, 1 otherwise (see doctor.ts).
 */
import { parseArgs } from 'node:util';
import { AgentConfigError, loadAgentConfig } from './config/agent-config.js';
import { startAgent, type RunningAgent } from './agent.js';
import { createLogger } from './log/logger.js';
import { formatResults, runDoctor } from './doctor.js';

const USAGE = `usage: acs-agent --config <file>
       acs-agent doctor --config <file> [--server <url>]

  --config, -c   agent configuration (YAML); default $ACS_AGENT_CONFIG
  --server       doctor only: the server's URL, to compare clocks; default $ACS_SERVER_URL
  --help, -h     this text

environment: ACS_AGENT_ID, ACS_AGENT_MQTT_URL, ACS_AGENT_MQTT_USERNAME, ACS_AGENT_MQTT_PASSWORD,
             ACS_AGENT_MQTT_PASSWORD_FILE, ACS_AGENT_DATA_DIR override the file; ACS_LOG_LEVEL (error|warn|info|debug);
             ACS_LOG_FORMAT (json|pretty; default pretty on a terminal or with ACS_MODE=demo, else json)`;

let log = createLogger('acs:agent');

function usageError(message: string): never {
  process.stderr.write(`acs-agent: ${message}\n${USAGE}\n`);
  process.exit(2);
}

let values: { config?: string | undefined; help?: boolean | undefined; server?: string | undefined };
let positionals: string[];
try {
  ({ values, positionals } = parseArgs({
    options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' }, server: { type: 'string' } },
    strict: true,
    allowPositionals: true,
  }));
} catch (err) {
  usageError((err as Error).message);
}
const command = positionals[0];
if (positionals.length > 1 || (command !== undefined && command !== 'doctor')) usageError(`unknown command: ${positionals.join(' ')}`);
if (values.server !== undefined && command !== 'doctor') usageError('--server is for acs-agent doctor');
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const configFile = values.config ?? process.env.ACS_AGENT_CONFIG;
if (!configFile) usageError('no configuration: pass --config <file> or set ACS_AGENT_CONFIG');

if (command === 'doctor') {
  const serverUrl = values.server ?? process.env.ACS_SERVER_URL;
  const results = await runDoctor(configFile, serverUrl ? { serverUrl } : {});
  process.stdout.write(`${formatResults(results)}\n`);
  const problems = results.filter((r) => r.status === 'problem').length;
  process.stdout.write(problems === 0 ? 'nothing to fix\n' : `${problems} problem${problems === 1 ? '' : 's'} to fix\n`);
  process.exit(problems === 0 ? 0 : 1);
}

// Signals are handled from the start: a SIGTERM during start-up stops the agent as soon as it is up.
let agent: RunningAgent | null = null;
let stopRequested: string | null = null;
let stopping = false;

async function shutdown(signal: string): Promise<void> {
  stopRequested ??= signal;
  if (!agent || stopping) return;
  stopping = true;
  log.info(`${signal} received; relocking doors and stopping`);
  const force = setTimeout(() => {
    log.error('stopping took longer than 10 s; exiting');
    process.exit(1);
  }, 10_000);
  force.unref();
  try {
    await agent.stop();
    process.exitCode = 0;
  } catch (err) {
    log.error('error while stopping', { error: (err as Error).message });
    process.exitCode = 1;
  }
  clearTimeout(force);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
// A stray exception in a callback must not take every door down with it; it is logged.
process.on('uncaughtException', (err) => log.error('uncaught exception', { error: err.stack ?? err.message }));
process.on('unhandledRejection', (reason) =>
  log.error('unhandled rejection', { error: String((reason as { stack?: unknown } | null | undefined)?.stack ?? reason) }),
);

try {
  const config = loadAgentConfig(configFile);
  log = log.with({ agentId: config.agentId });
  agent = await startAgent(config, { log });
} catch (err) {
  if (err instanceof AgentConfigError) {
    process.stderr.write(`acs-agent: ${err.message}\n`);
    process.exit(2);
  }
  log.error('the agent could not start', { error: (err as Error).stack ?? String(err) });
  process.exit(1);
}

if (stopRequested) await shutdown(stopRequested);
