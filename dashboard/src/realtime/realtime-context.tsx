import { createContext, useContext, useEffect, useEffectEvent, useState, type ReactNode } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, RealtimeAuth, ServerToClientEvents } from '@acs/shared/realtime/events';
import { authApi } from '../api/auth';

export type RealtimeSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * `connecting`: never connected yet; `reconnecting`: was connected and lost it (the
 * client keeps retrying); `disconnected`: closed on purpose.
 */
export type SocketState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

interface RealtimeContextValue {
  socket: RealtimeSocket | null;
  state: SocketState;
  /**
   * Increments on every (re)connection. Views that show live data reload their REST
   * snapshot when it changes, so nothing pushed while the socket was down is missed.
   */
  connectionEpoch: number;
}

const RealtimeContext = createContext<RealtimeContextValue>({ socket: null, state: 'disconnected', connectionEpoch: 0 });

// A handshake refused by the server's auth middleware is not retried by socket.io itself.
const REFUSED_RETRY_MS = 5000;

/** One socket.io connection per signed-in session, shared by every page. */
export function RealtimeProvider({ token, children }: { token: string; children: ReactNode }) {
  const [socket, setSocket] = useState<RealtimeSocket | null>(null);
  const [state, setState] = useState<SocketState>('connecting');
  const [connectionEpoch, setConnectionEpoch] = useState(0);

  useEffect(() => {
    const auth: RealtimeAuth = { token };
    const client: RealtimeSocket = io({ auth });
    let everConnected = false;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;

    const retryLater = () => {
      clearTimeout(retryTimer);
      retryTimer = setTimeout(() => {
        // A 401 here signs the user out (api-client); otherwise connect again.
        authApi.me().then(
          () => client.connect(),
          () => {
            if (!client.connected) retryLater();
          },
        );
      }, REFUSED_RETRY_MS);
    };

    client.on('connect', () => {
      everConnected = true;
      setState('connected');
      setConnectionEpoch((n) => n + 1);
    });
    client.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') {
        setState('disconnected');
        return;
      }
      setState('reconnecting');
      if (reason === 'io server disconnect') retryLater();
    });
    client.on('connect_error', () => {
      setState(everConnected ? 'reconnecting' : 'connecting');
      if (!client.active) retryLater();
    });

    // The socket connects as it is created, so it is made here rather than while rendering, and
    // closed by this effect's cleanup; handing it to the pages is what this state is for.
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the socket is an external resource this effect creates
    setSocket(client);
    return () => {
      clearTimeout(retryTimer);
      client.removeAllListeners();
      client.disconnect();
      setSocket(null);
    };
  }, [token]);

  return <RealtimeContext.Provider value={{ socket, state, connectionEpoch }}>{children}</RealtimeContext.Provider>;
}

export function useRealtime(): RealtimeContextValue {
  return useContext(RealtimeContext);
}

/** Subscribes to a server event for the component's lifetime; the handler may change freely. */
export function useSocketEvent<E extends keyof ServerToClientEvents>(event: E, handler: ServerToClientEvents[E]): void {
  const { socket } = useRealtime();
  // The handler of the latest render, without subscribing again each time it changes.
  const onEvent = useEffectEvent((...args: Parameters<ServerToClientEvents[E]>) =>
    (handler as (...a: Parameters<ServerToClientEvents[E]>) => void)(...args),
  );

  useEffect(() => {
    if (!socket) return;
    const listener = ((...args: Parameters<ServerToClientEvents[E]>) => onEvent(...args)) as ServerToClientEvents[E];
    // socket.io's typed `on` needs the listener typed by the event name.
    (socket.on as (e: E, l: ServerToClientEvents[E]) => void)(event, listener);
    return () => {
      (socket.off as (e: E, l: ServerToClientEvents[E]) => void)(event, listener);
    };
  }, [socket, event]);
}
