// The database work of the command line, loaded only once the arguments are known to be
// good so that a usage error answers at once.
import 'reflect-metadata';
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import type { DataSource } from 'typeorm';
import { AgentCredentialsService } from './agents/agent-credentials.service.js';
import { AgentEntity } from './agents/agent.entity.js';
import { PasswordHasher } from './auth/password-hasher.js';
import { UserEntity } from './auth/user.entity.js';
import { UsersService } from './auth/users.service.js';
import { AuditChain } from './audit/audit-chain.js';
import { backupDatabase, restoreDatabase, RestoreRefused } from './backup/backup.js';
import { runWithAuditContext } from './audit/audit-context.js';
import { installAuditing } from './audit/audit-subscriber.js';
import { ApiException } from './common/api-exception.js';
import { SystemClock } from './common/clock.js';
import { ConfigError, loadServerConfig } from './config/server-config.js';
import { describeDatabase, openDatabase } from './database/data-source.js';
import { DemoSeeder } from './demo/demo-seeder.service.js';
import { DemoSiteOwners } from './demo/demo-site-owners.js';
import { AgentRepository } from './agents/agent.repository.js';
import { CardHistoryEntity } from './cards/card-history.entity.js';
import { CardEntity } from './cards/card.entity.js';
import { CardRepository } from './cards/card.repository.js';
import { DepartmentEntity } from './departments/department.entity.js';
import { DepartmentRepository } from './departments/department.repository.js';
import { DoorEntity } from './doors/door.entity.js';
import { DoorRepository } from './doors/door.repository.js';
import { EquipmentEntity, MovementEntity } from './equipment/equipment.entity.js';
import { EquipmentRepository } from './equipment/equipment.repository.js';
import { GrantEntity } from './grants/grant.entity.js';
import { GrantRepository } from './grants/grant.repository.js';
import { PersonEntity } from './people/person.entity.js';
import { PersonRepository } from './people/person.repository.js';
import { VisitEntity } from './reception/visit.entity.js';
import { VisitRepository } from './reception/visit.repository.js';
import { ScheduleEntity } from './schedules/schedule.entity.js';
import { ScheduleRepository } from './schedules/schedule.repository.js';
import { ZoneEntity } from './zones/zone.entity.js';
import { ZoneRepository } from './zones/zone.repository.js';
import { SiteSettingsEntity } from './site/site-settings.entity.js';
import { SiteService } from './site/site.service.js';

/** A problem the user can fix by calling the command differently (exit 2). */
export class UsageError extends Error {}

async function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let value = '';
    const cleanup = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          cleanup();
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          cleanup();
          reject(new Error('cancelled'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

type Env = Readonly<Record<string, string | undefined>>;

async function readAdminPassword(passwordFile: string | undefined, env: Env): Promise<string> {
  if (passwordFile) return (await readFile(passwordFile, 'utf8')).replace(/\r?\n$/, '');
  const fromEnv = env.ACS_ADMIN_PASSWORD;
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY) {
    throw new UsageError('no password given: use --password-file <file>, set ACS_ADMIN_PASSWORD, or run in a terminal to be asked');
  }
  const first = await promptHidden('Password for the new admin (at least 10 characters): ');
  const second = await promptHidden('Repeat the password: ');
  if (first !== second) throw new Error('the two passwords differ');
  return first;
}

/** The operator at the command line, as the audit log names them. */
function cliOperator(): string {
  try {
    return `cli:${userInfo().username}`.slice(0, 64);
  } catch {
    return 'cli';
  }
}

async function withDatabase<T>(env: Env, work: (dataSource: DataSource) => Promise<T>): Promise<T> {
  const config = loadServerConfig(env);
  const dataSource = await openDatabase(config, (m) => console.log(m));
  console.error(`database: ${describeDatabase(config)}`);
  try {
    // What an operator changes here is audited like a change made in the dashboard.
    installAuditing(dataSource, new AuditChain(dataSource), new SystemClock());
    return await runWithAuditContext(
      { source: 'cli', actor: { userId: null, username: cliOperator(), role: null }, requestId: null, ip: null },
      () => work(dataSource),
    );
  } finally {
    await dataSource.destroy();
  }
}

export async function createAdmin(
  options: { username: string; displayName?: string | undefined; passwordFile?: string | undefined; ifMissing?: boolean },
  env: Env = process.env,
): Promise<void> {
  if (options.ifMissing) {
    const exists = await withDatabase(env, (ds) =>
      ds.getRepository(UserEntity).existsBy({ username: options.username.trim().toLowerCase() }),
    );
    if (exists) {
      console.log(`user "${options.username.trim().toLowerCase()}" already exists; nothing to do`);
      return;
    }
  }
  const password = await readAdminPassword(options.passwordFile, env);
  await withDatabase(env, async (ds) => {
    const users = new UsersService(ds.getRepository(UserEntity), new PasswordHasher(), new SystemClock(), loadServerConfig(env));
    const user = await users.create({
      username: options.username,
      displayName: options.displayName ?? options.username,
      role: 'admin',
      password,
    });
    console.log(`created administrator "${user.username}"`);
  });
}

export async function migrate(env: Env = process.env): Promise<void> {
  await withDatabase(env, async (ds) => {
    const pending = await ds.showMigrations();
    console.log(pending ? 'migrations still pending' : 'the database schema is up to date');
  });
}

/** Shortest MQTT password accepted from outside (`--password-env`). */
const MIN_AGENT_PASSWORD = 16;

export async function addAgent(
  options: { id: string; name?: string | undefined; passwordEnv?: string | undefined; ifMissing?: boolean },
  env: Env = process.env,
): Promise<void> {
  let given: string | undefined;
  if (options.passwordEnv) {
    given = env[options.passwordEnv];
    if (!given) throw new UsageError(`--password-env ${options.passwordEnv}: that variable is not set`);
    if (given.length < MIN_AGENT_PASSWORD) {
      throw new UsageError(`--password-env ${options.passwordEnv}: the password must be at least ${MIN_AGENT_PASSWORD} characters`);
    }
  }
  await withDatabase(env, async (ds) => {
    const credentials = new AgentCredentialsService(ds.getRepository(AgentEntity), new PasswordHasher(), new SystemClock());
    if (options.ifMissing && (await ds.getRepository(AgentEntity).existsBy({ id: options.id }))) {
      // Keep the stored hash in step with the broker's password file on every run.
      if (given !== undefined && !(await credentials.verify(options.id, given))) {
        await credentials.setPassword(options.id, given);
        console.log(`agent "${options.id}" exists; its MQTT password now matches ${options.passwordEnv}`);
      } else {
        console.log(`agent "${options.id}" already exists; nothing to do`);
      }
      return;
    }
    const { mqttPassword } = await credentials.create(options.id, options.name ?? options.id, given);
    if (given !== undefined) {
      console.log(`registered agent "${options.id}" with the MQTT password from ${options.passwordEnv}`);
    } else {
      console.error(`registered agent "${options.id}". Its MQTT username is "${options.id}"; its password, shown only now:`);
      console.log(mqttPassword);
    }
  });
}

/** The demo site's zones, doors, schedules, people, cards and grants, without any account. */
export async function seedDemoSite(
  options: { ifEmpty?: boolean; doorAgents?: Record<string, string> },
  env: Env = process.env,
): Promise<void> {
  await withDatabase(env, async (ds) => {
    const config = loadServerConfig(env);
    const clock = new SystemClock();
    const hasher = new PasswordHasher();
    const site = new SiteService(ds.getRepository(SiteSettingsEntity), clock, config);
    await site.ensure();
    const credentials = new AgentCredentialsService(ds.getRepository(AgentEntity), hasher, clock);
    const owners = new DemoSiteOwners(
      site,
      new UsersService(ds.getRepository(UserEntity), hasher, clock, config),
      new PersonRepository(ds.getRepository(PersonEntity)),
      new ZoneRepository(ds.getRepository(ZoneEntity)),
      new AgentRepository(ds.getRepository(AgentEntity)),
      new DoorRepository(ds.getRepository(DoorEntity)),
      new ScheduleRepository(ds.getRepository(ScheduleEntity)),
      new DepartmentRepository(ds.getRepository(DepartmentEntity)),
      new CardRepository(ds.getRepository(CardEntity), ds.getRepository(CardHistoryEntity)),
      new GrantRepository(ds.getRepository(GrantEntity)),
      new VisitRepository(ds.getRepository(VisitEntity)),
      new EquipmentRepository(ds.getRepository(EquipmentEntity), ds.getRepository(MovementEntity)),
    );
    const seeder = new DemoSeeder(ds, hasher, credentials, clock, config, owners);
    if (await seeder.seedSiteIfEmpty(options.doorAgents)) {
      console.log('seeded the demo site (no accounts)');
    } else if (options.ifEmpty) {
      console.log('the site already has zones or people; nothing to do');
    } else {
      throw new Error('the site already has zones or people; use --if-empty to accept that');
    }
  });
}

/** A consistent copy of the database while the server runs; its audit chain is checked at once. */
export async function backup(options: { to: string }, env: Env = process.env): Promise<void> {
  const config = loadServerConfig(env);
  console.error(`database: ${describeDatabase(config)}`);
  const { file, audit } = await backupDatabase(config, resolve(options.to));
  if (!audit.ok) {
    // Kept, not deleted: it is the evidence, and restore will refuse it anyway.
    throw new Error(
      `backup written to ${file}, but its audit chain does not verify (${audit.reason}); the live database needs investigating`,
    );
  }
  console.log(`backup written to ${file} (audit chain verified: ${audit.checked} entries)`);
}

/** Into an empty data folder or schema; `force` replaces an existing database (server stopped). */
export async function restore(options: { from: string; force?: boolean }, env: Env = process.env): Promise<void> {
  const config = loadServerConfig(env);
  console.error(`database: ${describeDatabase(config)}`);
  const audit = await restoreDatabase(config, resolve(options.from), { force: options.force ?? false });
  console.log(`restored ${options.from} (audit chain verified: ${audit.checked} entries); the schema is up to date`);
}

/** A readable one-line message for errors the commands expect. */
export function describeError(err: unknown): string {
  if (err instanceof ApiException) {
    const message = (err.getResponse() as { message: string | string[] }).message;
    return `error: ${Array.isArray(message) ? message.join('; ') : message}`;
  }
  if (err instanceof ConfigError) return err.message;
  if (err instanceof RestoreRefused) return `error: ${err.message}`;
  return `error: ${(err as Error).message}`;
}
