import type { VisitView } from '@acs/shared/api/reception';
import type { GatePassView } from '@acs/shared/api/equipment';
import { createHash } from 'node:crypto';
import { Inject, Logger, type OnModuleDestroy } from '@nestjs/common';
import { createAdapter } from '@socket.io/postgres-adapter';
import pg from 'pg';
import { type OnGatewayConnection, type OnGatewayInit, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Subscription } from 'rxjs';
import type { Server, Socket } from 'socket.io';
import type { AgentView } from '@acs/shared/api/agents';
import type { EventView } from '@acs/shared/api/events';
import type { LockdownView } from '@acs/shared/api/lockdown';
import type { AlertView } from '@acs/shared/api/alerts';
import type { ReaderView } from '@acs/shared/readers/reader-views';
import type { ClientToServerEvents, ServerToClientEvents } from '@acs/shared/realtime/events';
import { AuthService, type SessionsEnded } from '../auth/auth.service.js';
import type { AuthContext } from '../auth/roles.js';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config.js';

interface SocketData {
  auth: AuthContext;
}
type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type RealtimeSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** Admins, guards and auditors see everything live. */
const STAFF_ROOM = 'staff';
const personRoom = (personId: string) => `person:${personId}`;
/** How often live sockets are checked against their session (expiry, departure, disabled account). */
export const SOCKET_SESSION_CHECK_MS = 15_000;

/**
 * NOTIFY channels belong to the whole database, not to a schema: instances on another
 * schema of the same database (tests, a second site) must not receive each other's pushes.
 * PostgreSQL refuses channel names over 63 bytes, hence the digest of a long schema.
 */
export function realtimeChannelPrefix(schema: string | null): string {
  if (!schema) return 'acs';
  return `acs:${schema.length <= 48 ? schema : createHash('sha256').update(schema).digest('hex').slice(0, 16)}`;
}

/**
 * Live pushes to the dashboard over socket.io, on the HTTP server's port. The handshake
 * must carry a valid session token (`auth.token`); employees only receive their own events.
 *
 * On PostgreSQL, several server instances may run (docs/operations.md#several-server-instances): the socket.io PostgreSQL
 * adapter relays every room emit to the other instances (LISTEN/NOTIFY), so a dashboard
 * receives what any instance ingested, whichever instance it is connected to. On SQLite
 * there is one instance and the in-memory adapter stays.
 */
@WebSocketGateway()
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection, OnModuleDestroy {
  private readonly logger = new Logger('Realtime');

  @WebSocketServer()
  private server?: RealtimeServer;
  private ended: Subscription | null = null;
  private sessionCheck: NodeJS.Timeout | null = null;
  private pool: pg.Pool | null = null;
  private listener: pg.PoolClient | null = null;
  private readonly storedEventHandlers: Array<(ids: string[]) => void> = [];

  constructor(
    private readonly auth: AuthService,
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
  ) {}

  afterInit(server: RealtimeServer): void {
    if (this.config.db === 'postgres' && this.config.databaseUrl) this.relayThroughPostgres(server, this.config.databaseUrl);
    // A socket lives no longer than its session: sign-out, password change and a disabled
    // account end it at once, expiry and departure at the next check.
    this.ended = this.auth.sessionsEnded$.subscribe((ended) => this.disconnectEnded(ended));
    this.sessionCheck = setInterval(() => void this.checkSessions(), SOCKET_SESSION_CHECK_MS);
    this.sessionCheck.unref();
    server.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      if (typeof token !== 'string' || token.length === 0) {
        next(new Error('unauthorized: send auth.token, the session token from POST /api/auth/login'));
        return;
      }
      this.auth.authenticate(token).then(
        (auth) => {
          if (!auth) {
            next(new Error('unauthorized: the session is unknown or has expired'));
            return;
          }
          socket.data.auth = auth;
          next();
        },
        (err: unknown) => {
          this.logger.error(`socket handshake failed: ${(err as Error).message}`);
          next(new Error('unavailable'));
        },
      );
    });
  }

  private relayThroughPostgres(server: RealtimeServer, databaseUrl: string): void {
    // One connection stays checked out for LISTEN; the others publish and clean up.
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: 3, application_name: 'acs-server-realtime' });
    this.pool.on('error', (err) => this.logger.error(`live-update relay connection: ${err.message}`));
    const schema = this.config.dbSchema ?? 'public';
    server.adapter(
      createAdapter(this.pool, {
        tableName: `"${schema}"."socket_io_attachments"`,
        channelPrefix: realtimeChannelPrefix(this.config.dbSchema),
        errorHandler: (err) => this.logger.error(`live-update relay: ${err.message}`),
      }),
    );
    this.logger.log('live updates relayed between instances through PostgreSQL');
    void this.listenForStoredEvents(this.pool);
  }

  /**
   * PostgreSQL only: the channel on which the instance that stored agent events names them,
   * inside the transaction that stores them (NOTIFY is delivered at commit, or not at all).
   * Every instance listens and pushes them to its own sockets, so an event stored is an
   * event pushed, even when the instance that stored it dies a moment later.
   */
  get storedEventsChannel(): string | null {
    return this.config.db === 'postgres' ? `acs_events_${this.config.dbSchema ?? 'public'}` : null;
  }

  /** Registers who turns announced event ids into pushes (the events service). */
  onStoredEvents(handler: (ids: string[]) => void): void {
    this.storedEventHandlers.push(handler);
  }

  private async listenForStoredEvents(pool: pg.Pool): Promise<void> {
    const channel = this.storedEventsChannel!;
    try {
      const client = await pool.connect();
      this.listener = client;
      client.on('notification', (message) => {
        if (message.channel !== channel || !message.payload) return;
        let ids: unknown;
        try {
          ids = JSON.parse(message.payload);
        } catch {
          return;
        }
        if (!Array.isArray(ids)) return;
        for (const handler of this.storedEventHandlers) handler(ids.filter((id): id is string => typeof id === 'string'));
      });
      await client.query(`LISTEN "${channel}"`);
    } catch (err) {
      this.logger.error(`listening for stored events failed: ${(err as Error).message}`);
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.ended?.unsubscribe();
    if (this.sessionCheck) clearInterval(this.sessionCheck);
    if (this.listener) {
      this.listener.release();
      this.listener = null;
    }
    if (this.pool) {
      // Releases the LISTEN connection first, or ending the pool would wait for it forever.
      const adapter = this.server?.of('/').adapter as { close?: () => unknown } | undefined;
      await adapter?.close?.();
      await this.pool.end();
      this.pool = null;
    }
  }

  /** Disconnects every socket whose session has expired or whose account may no longer sign in. */
  async checkSessions(): Promise<number> {
    let closed = 0;
    for (const socket of this.sockets()) {
      try {
        if (await this.auth.isSessionLive(socket.data.auth.sessionId)) continue;
      } catch (err) {
        this.logger.error(`session check failed: ${(err as Error).message}`);
        return closed;
      }
      this.logger.log(`closing live connection of user ${socket.data.auth.user.id}: the session has ended`);
      socket.disconnect(true);
      closed += 1;
    }
    return closed;
  }

  private disconnectEnded(ended: SessionsEnded): void {
    for (const socket of this.sockets()) {
      const { sessionId, user } = socket.data.auth;
      const hit = ended.sessionIds?.includes(sessionId) || (ended.userId === user.id && ended.keepSessionId !== sessionId);
      if (!hit) continue;
      this.logger.log(`closing live connection of user ${user.id}: ${ended.reason}`);
      socket.disconnect(true);
    }
  }

  private sockets(): RealtimeSocket[] {
    const namespace = this.server?.of('/');
    return namespace ? [...namespace.sockets.values()].filter((s) => s.data.auth) : [];
  }

  handleConnection(socket: RealtimeSocket): void {
    const { user } = socket.data.auth;
    if (user.role === 'employee') {
      if (user.personId) void socket.join(personRoom(user.personId));
    } else {
      void socket.join(STAFF_ROOM);
    }
  }

  emitEvent(event: EventView): void {
    if (!this.server) return;
    const rooms = event.personId ? [STAFF_ROOM, personRoom(event.personId)] : [STAFF_ROOM];
    this.server.to(rooms).emit('event:v1', event);
  }

  /** To this instance's own sockets only: every instance was told of the event (see `storedEventsChannel`). */
  emitEventLocally(event: EventView): void {
    if (!this.server) return;
    const rooms = event.personId ? [STAFF_ROOM, personRoom(event.personId)] : [STAFF_ROOM];
    this.server.local.to(rooms).emit('event:v1', event);
  }

  emitAgent(agent: AgentView): void {
    this.server?.to(STAFF_ROOM).emit('agent:v1', agent);
  }

  emitReader(reader: ReaderView): void {
    this.server?.to(STAFF_ROOM).emit('reader:v1', reader);
  }

  emitAlert(alert: AlertView): void {
    this.server?.to(STAFF_ROOM).emit('alert:v1', alert);
  }

  /** To every staff member and to the host, who approves walk-ins from their own page. */
  emitVisit(visit: VisitView): void {
    this.server?.to([STAFF_ROOM, personRoom(visit.hostPersonId)]).emit('visit:v1', visit);
  }

  emitGatePass(pass: GatePassView, requesterPersonId: string | null): void {
    this.server?.to(requesterPersonId ? [STAFF_ROOM, personRoom(requesterPersonId)] : [STAFF_ROOM]).emit('gate-pass:v1', pass);
  }

  emitLockdown(lockdown: LockdownView): void {
    this.server?.to(STAFF_ROOM).emit('lockdown:v1', lockdown);
  }
}
