import { timingSafeEqual } from 'node:crypto';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Aedes, type AuthErrorCode, type AuthenticateError, type Client } from 'aedes';
import { slugSchema } from '@acs/shared/access/model';
import { TOPIC_ROOT, agentClientId, agentMayPublish, agentMaySubscribe, isAgentClientId } from '@acs/shared/mqtt/topics';
import { AGENT_PAYLOAD_LIMIT_BYTES, PACKET_OVERHEAD_BYTES, SERVER_PAYLOAD_LIMIT_BYTES } from '@acs/shared/mqtt/limits';
import { AgentCredentialsService } from '../agents/agent-credentials.service.js';
import { type ConnectInfo, guardedConnection } from './packet-size-guard.js';
import { randomSecret } from '../auth/password-hasher.js';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config.js';
import { Clock } from '../common/clock.js';
import { DomainSignalBus } from '../common/domain-signals.js';

/** Not a valid agent id (colon), so no agent can take the server's identity. */
export const SERVER_MQTT_USERNAME = 'acs:server';

type Principal = { kind: 'server' } | { kind: 'agent'; agentId: string };

// aedes' AuthErrorCode is a const enum in a .d.ts; these are its MQTT 3.1.1 values.
const IDENTIFIER_REJECTED = 2;
const BAD_USERNAME_OR_PASSWORD = 4;

function authError(message: string, returnCode: AuthErrorCode): AuthenticateError {
  return Object.assign(new Error(message), { returnCode });
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The embedded MQTT broker (aedes), used when ACS_MQTT_URL is unset. Agents sign in with
 * their id and their own password and may use only their own topics (docs/security.md#agents-and-the-broker);
 * the server's client signs in with a secret made fresh for each process. Anything else
 * is refused.
 */
@Injectable()
export class EmbeddedBrokerService {
  private readonly logger = new Logger('Broker');
  private readonly principals = new WeakMap<Client, Principal>();
  private broker: Aedes | null = null;
  private server: Server | null = null;
  readonly serverPassword = randomSecret();

  constructor(
    private readonly credentials: AgentCredentialsService,
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly signals: DomainSignalBus,
    private readonly clock: Clock,
  ) {}

  /** Starts listening; returns the port (useful when ACS_MQTT_PORT is 0). */
  async start(): Promise<number> {
    const broker = await Aedes.createBroker({
      authenticate: (client, username, password, done) => {
        this.authenticate(client, username, password).then(
          (principal) => {
            this.principals.set(client, principal);
            done(null, true);
          },
          (err: AuthenticateError) => done(err, false),
        );
      },
      authorizePublish: (client, packet, callback) => {
        const principal = client ? this.principals.get(client) : undefined;
        if (principal && this.mayPublish(principal, packet.topic)) {
          callback(null);
          return;
        }
        this.logger.warn(`refused publish to ${packet.topic} by ${describe(principal, client)}`);
        callback(new Error('not authorized'));
      },
      authorizeSubscribe: (client, subscription, callback) => {
        const principal = this.principals.get(client);
        if (principal && this.maySubscribe(principal, subscription.topic)) {
          callback(null, subscription);
          return;
        }
        this.logger.warn(`refused subscription to ${subscription.topic} by ${describe(principal, client)}`);
        callback(null, null);
      },
    });
    broker.on('clientError', (client, err) => this.logger.debug?.(`client ${client.id}: ${err.message}`));
    this.broker = broker;
    const server = createServer((socket) => {
      const connection = guardedConnection(
        socket,
        (connect) => this.packetLimitFor(connect),
        (err) => this.logger.warn(`cut the MQTT connection from ${socket.remoteAddress ?? '?'}: ${err.message}`),
      );
      broker.handle(connection);
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.mqttPort, this.config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    this.logger.log(`embedded MQTT broker listening on ${this.config.host}:${port}`);
    return port;
  }

  async stop(): Promise<void> {
    const broker = this.broker;
    const server = this.server;
    this.broker = null;
    this.server = null;
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /**
   * Only the server's own connection (proven by its per-process secret) may send packets as
   * large as a permission set; agents and anyone else are held to the agent limit.
   */
  private packetLimitFor(connect: ConnectInfo | null): number {
    const isServer =
      connect?.username === SERVER_MQTT_USERNAME &&
      connect.password !== undefined &&
      sameSecret(connect.password.toString('utf8'), this.serverPassword);
    return (isServer ? SERVER_PAYLOAD_LIMIT_BYTES : AGENT_PAYLOAD_LIMIT_BYTES) + PACKET_OVERHEAD_BYTES;
  }

  private async authenticate(client: Client, username: string | undefined, password: Buffer | undefined): Promise<Principal> {
    const secret = password?.toString('utf8') ?? '';
    if (username === SERVER_MQTT_USERNAME) {
      if (sameSecret(secret, this.serverPassword) && client.id === this.config.mqttClientId) return { kind: 'server' };
      this.logger.warn(`refused the server identity to client ${client.id}`);
      throw authError('bad username or password', BAD_USERNAME_OR_PASSWORD);
    }
    if (!username || !slugSchema.safeParse(username).success || secret.length === 0) {
      this.logger.warn(`refused client ${client.id}: no agent id or password`);
      throw this.refuse(null, client, 'no agent id or password', BAD_USERNAME_OR_PASSWORD);
    }
    if (!(await this.credentials.verify(username, secret))) {
      this.logger.warn(`refused agent ${username} (client ${client.id}): wrong password or unknown agent`);
      throw this.refuse(username, client, 'wrong password or unknown agent', BAD_USERNAME_OR_PASSWORD);
    }
    // The client id follows from the identity just proven: another agent's id (or the
    // server's) is refused, whatever connected first and however often the broker restarted.
    if (!isAgentClientId(client.id, username)) {
      this.logger.warn(`refused agent ${username}: client id ${client.id} is not its own (${agentClientId(username)})`);
      throw this.refuse(
        username,
        client,
        `client id ${client.id.slice(0, 80)} is not its own (${agentClientId(username)})`,
        IDENTIFIER_REJECTED,
      );
    }
    return { kind: 'agent', agentId: username };
  }

  /** Tells the alerts that an agent identity was refused, and builds the CONNACK error. */
  private refuse(username: string | null, client: Client, reason: string, returnCode: number): AuthenticateError {
    // Only a well-formed name is echoed into an alert: anything else is someone guessing.
    const claimed = username !== null && slugSchema.safeParse(username).success ? username : null;
    this.signals.emit('agent.refused', { agentId: claimed, clientId: client.id.slice(0, 80), reason, at: this.clock.now() });
    return authError(returnCode === IDENTIFIER_REJECTED ? 'client id in use by another identity' : 'bad username or password', returnCode);
  }

  private mayPublish(principal: Principal, topic: string): boolean {
    if (principal.kind === 'server') return topic.startsWith(`${TOPIC_ROOT}/`);
    return agentMayPublish(principal.agentId, topic);
  }

  private maySubscribe(principal: Principal, filter: string): boolean {
    if (principal.kind === 'server') return filter.startsWith(`${TOPIC_ROOT}/`);
    return agentMaySubscribe(principal.agentId, filter);
  }
}

function describe(principal: Principal | undefined, client: Client | null): string {
  if (!principal) return `unauthenticated client ${client?.id ?? '?'}`;
  return principal.kind === 'server' ? 'the server' : `agent ${principal.agentId}`;
}
