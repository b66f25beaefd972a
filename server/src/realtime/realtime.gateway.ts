import { Logger } from '@nestjs/common';
import { type OnGatewayConnection, type OnGatewayInit, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import type { AgentView, EventView } from '@acs/shared/api/views';
import type { ReaderView } from '@acs/shared/readers/reader-views';
import type { ClientToServerEvents, ServerToClientEvents } from '@acs/shared/realtime/events';
import { AuthService } from '../auth/auth.service.js';
import type { AuthContext } from '../auth/roles.js';

interface SocketData {
  auth: AuthContext;
}
type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type RealtimeSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** Admins, guards and auditors see everything live. */
const STAFF_ROOM = 'staff';
const personRoom = (personId: string) => `person:${personId}`;

/**
 * Live pushes to the dashboard over socket.io, on the HTTP server's port. The handshake
 * must carry a valid session token (`auth.token`); employees only receive their own events.
 */
@WebSocketGateway()
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection {
  private readonly logger = new Logger('Realtime');

  @WebSocketServer()
  private server?: RealtimeServer;

  constructor(private readonly auth: AuthService) {}

  afterInit(server: RealtimeServer): void {
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

  emitAgent(agent: AgentView): void {
    this.server?.to(STAFF_ROOM).emit('agent:v1', agent);
  }

  emitReader(reader: ReaderView): void {
    this.server?.to(STAFF_ROOM).emit('reader:v1', reader);
  }
}
