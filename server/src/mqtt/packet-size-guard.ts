import type { Socket } from 'node:net';
import { Duplex, Transform, type TransformCallback } from 'node:stream';
import mqttPacket from 'mqtt-packet';
import { CONNECT_PACKET_LIMIT_BYTES } from '@acs/shared/mqtt/limits';

/** What the guard learned from a connection's CONNECT packet. */
export interface ConnectInfo {
  clientId: string;
  username: string | undefined;
  password: Buffer | undefined;
}

export class PacketTooLargeError extends Error {
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`an MQTT packet of ${size} bytes is over the limit of ${limit} bytes`);
  }
}

const CONNECT = 1;

/**
 * Sits between a client's socket and the broker and reads only MQTT fixed headers (packet
 * type and remaining length), so a packet over the limit is refused as soon as its header
 * arrives: its bytes are never buffered by the broker's parser (a 100 MB publish costs
 * nothing). The limit is chosen per connection from its CONNECT packet (the server's own
 * connection may send permission sets; agents may not), and a connection whose first packet
 * is not a small CONNECT is cut.
 */
export class PacketSizeGuard extends Transform {
  private headerBytes: number[] = [];
  /** Bytes of the current packet's body still to pass. */
  private remaining = 0;
  private connect: Buffer[] | null = null;
  private connectBytesWanted = 0;
  private limit = CONNECT_PACKET_LIMIT_BYTES;
  private sawConnect = false;

  constructor(private readonly limitFor: (connect: ConnectInfo | null) => number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, chunk.length - i);
        if (this.connect) this.collectConnect(chunk.subarray(i, i + take));
        this.remaining -= take;
        i += take;
        continue;
      }
      this.headerBytes.push(chunk[i]!);
      i += 1;
      const header = this.headerBytes;
      if (header.length < 2) continue;
      const last = header[header.length - 1]!;
      if (last & 0x80) {
        if (header.length === 5) return callback(new Error('malformed MQTT remaining length'));
        continue;
      }
      let size = 0;
      for (let k = header.length - 1; k >= 1; k -= 1) size = size * 128 + (header[k]! & 0x7f);
      const type = header[0]! >> 4;
      if (!this.sawConnect) {
        if (type !== CONNECT) return callback(new Error('the first MQTT packet must be CONNECT'));
        if (size > CONNECT_PACKET_LIMIT_BYTES) return callback(new PacketTooLargeError(size, CONNECT_PACKET_LIMIT_BYTES));
        this.sawConnect = true;
        this.connect = [Buffer.from(header)];
        this.connectBytesWanted = size;
        if (size === 0) this.collectConnect(Buffer.alloc(0));
      } else if (size > this.limit) {
        return callback(new PacketTooLargeError(size, this.limit));
      }
      this.headerBytes = [];
      this.remaining = size;
    }
    callback(null, chunk);
  }

  private collectConnect(part: Buffer): void {
    this.connect!.push(part);
    this.connectBytesWanted -= part.length;
    if (this.connectBytesWanted > 0) return;
    const packet = Buffer.concat(this.connect!);
    this.connect = null;
    let info: ConnectInfo | null = null;
    const parser = mqttPacket.parser();
    parser.on('packet', (p) => {
      if (p.cmd === 'connect') info = { clientId: p.clientId, username: p.username, password: p.password };
    });
    parser.on('error', () => undefined);
    parser.parse(packet);
    this.limit = this.limitFor(info);
  }
}

/**
 * The client's socket as the broker should see it: reads pass through a `PacketSizeGuard`,
 * writes go straight to the socket, and either side ending ends both. `onRefused` hears why
 * a connection was cut.
 */
export function guardedConnection(
  socket: Socket,
  limitFor: (connect: ConnectInfo | null) => number,
  onRefused: (err: Error) => void,
): Duplex {
  const guard = new PacketSizeGuard(limitFor);
  const connection = new Duplex({
    read() {
      guard.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      if (socket.destroyed) return callback();
      socket.write(chunk, () => callback());
    },
    final(callback) {
      socket.end(callback);
    },
    destroy(err, callback) {
      socket.destroy();
      guard.destroy();
      callback(err);
    },
  });
  guard.on('data', (data: Buffer) => {
    if (!connection.push(data)) guard.pause();
  });
  guard.on('end', () => connection.push(null));
  guard.on('error', (err) => {
    onRefused(err);
    socket.destroy();
    connection.destroy();
  });
  socket.on('error', () => connection.destroy());
  socket.on('close', () => connection.destroy());
  socket.pipe(guard);
  return connection;
}
