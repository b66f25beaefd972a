#!/usr/bin/env node
// Administration commands that work on the database directly, with or without the server
// running: create the first admin (production mode needs one), run migrations, register
// an edge agent, back up and restore.
import { parseArgs, type ParseArgsConfig } from 'node:util';

const USAGE = `Usage: node server/dist/cli.js <command> [options]

Commands:
  create-admin --username <name> [--display-name <text>] [--password-file <file>] [--if-missing]
      Creates an administrator. The password comes from --password-file, else the
      ACS_ADMIN_PASSWORD variable, else a prompt (in a terminal). At least 10 characters.
      --if-missing: succeed without change when the user exists.
  migrate
      Applies pending database migrations.
  add-agent --id <id> [--name <text>] [--password-env <VAR>] [--if-missing]
      Registers an edge agent and prints its new MQTT password once. --password-env takes
      the password from that variable instead (at least 16 characters; not printed).
      --if-missing: succeed when the agent exists (updating its password to VAR's).
  seed-demo-site [--if-empty] [--door-agent <door>=<agent> ...]
      Loads the demo site (zones, doors, schedules, people, cards, grants) without any
      account. --if-empty: succeed without change when zones or people exist.
      --door-agent: put a demo door on another registered agent (default agent-1).
  backup --to <file>
      Copies the database while the server runs (SQLite: online backup API; PostgreSQL:
      pg_dump custom format of ACS_DB_SCHEMA) and checks the copy's audit chain.
  restore --from <file> [--force]
      Restores a backup into an empty data folder (SQLite) or empty schema (PostgreSQL),
      refusing one whose audit chain does not verify, then applies pending migrations.
      --force: replace a database that already holds data (stop the server first).

The database is the one the server uses: ACS_DB, ACS_DATA_DIR, ACS_SQLITE_PATH, ACS_DATABASE_URL.`;

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

const COMMANDS: Record<string, ParseArgsConfig['options']> = {
  'create-admin': {
    username: { type: 'string' },
    'display-name': { type: 'string' },
    'password-file': { type: 'string' },
    'if-missing': { type: 'boolean' },
  },
  migrate: {},
  'add-agent': {
    id: { type: 'string' },
    name: { type: 'string' },
    'password-env': { type: 'string' },
    'if-missing': { type: 'boolean' },
  },
  'seed-demo-site': {
    'if-empty': { type: 'boolean' },
    'door-agent': { type: 'string', multiple: true },
  },
  backup: { to: { type: 'string' } },
  restore: { from: { type: 'string' }, force: { type: 'boolean' } },
};

function usage(problem: string): never {
  if (problem) console.error(`error: ${problem}\n`);
  console.error(USAGE);
  process.exit(problem ? 2 : 0);
}

const [command, ...rest] = process.argv.slice(2);
if (!command || command === '--help' || command === '-h' || command === 'help') usage('');
const options = COMMANDS[command];
if (!options) usage(`unknown command "${command}"`);
let values: Record<string, string | boolean | string[] | undefined>;
try {
  values = parseArgs({ args: rest, options, strict: true, allowPositionals: false }).values as Record<
    string,
    string | boolean | string[] | undefined
  >;
} catch (err) {
  usage((err as Error).message);
}
if (command === 'create-admin' && !values['username']) usage('create-admin needs --username <name>');
if (command === 'add-agent' && !values['id']) usage('add-agent needs --id <id>');
if (command === 'add-agent' && !SLUG.test(String(values['id']))) usage('--id must be lowercase letters, digits and dashes (at most 63)');
if (command === 'backup' && !values['to']) usage('backup needs --to <file>');
if (command === 'restore' && !values['from']) usage('restore needs --from <file>');
const doorAgents: Record<string, string> = {};
for (const pair of (values['door-agent'] as string[] | undefined) ?? []) {
  const [door, agent, extra] = pair.split('=');
  if (!door || !agent || extra !== undefined || !SLUG.test(door) || !SLUG.test(agent))
    usage(`--door-agent expects <door>=<agent>, got "${pair}"`);
  doorAgents[door] = agent;
}

function str(name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

const commands = await import('./cli-commands.js');
try {
  switch (command) {
    case 'create-admin':
      await commands.createAdmin({
        username: str('username')!,
        displayName: str('display-name'),
        passwordFile: str('password-file'),
        ifMissing: values['if-missing'] === true,
      });
      break;
    case 'migrate':
      await commands.migrate();
      break;
    case 'add-agent':
      await commands.addAgent({
        id: str('id')!,
        name: str('name'),
        passwordEnv: str('password-env'),
        ifMissing: values['if-missing'] === true,
      });
      break;
    case 'seed-demo-site':
      await commands.seedDemoSite({ ifEmpty: values['if-empty'] === true, doorAgents });
      break;
    case 'backup':
      await commands.backup({ to: str('to')! });
      break;
    case 'restore':
      await commands.restore({ from: str('from')!, force: values['force'] === true });
      break;
  }
} catch (err) {
  if (err instanceof commands.UsageError) usage(err.message);
  console.error(commands.describeError(err));
  process.exit(1);
}
