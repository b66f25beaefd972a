/**
 * The commands the agent has asked of one PD and that have not been sent yet. A command
 * waits here until the session may send it (at once, or once a secure session is up),
 * for at most its `waitMs`; the session takes them one at a time, and puts one back
 * when the exchange that carried it has to start again.
 */
import type { SecureChannelState } from '@acs/shared/readers/reader-report';
import { REPLY } from './osdp-protocol.js';

export class OsdpCommandError extends Error {
  override readonly name = 'OsdpCommandError';
  constructor(
    message: string,
    /**
     * `nak:<reason>`, `unexpected_reply`; `timeout`, `secure_channel` (sent, reply lost or
     * refused); `offline`, `not_sent` (never sent); `stopped`, `busy`.
     */
    readonly code: string,
  ) {
    super(message);
  }
}

export interface CommandRequest {
  code: number;
  data?: Uint8Array;
  /** Reply codes that complete the command (default: ACK). */
  expect?: number[];
  /** Wait for a secure session before sending; fail after `waitMs`. */
  requiresSecure?: boolean;
  /** How long the command may wait in the queue (for a session, or for the PD to come online). */
  waitMs?: number;
}

export interface CommandReply {
  code: number;
  /** Decrypted reply data. */
  data: Buffer;
}

export interface QueuedCommand {
  request: CommandRequest;
  expect: number[];
  deadline: number;
  resolve: (reply: CommandReply) => void;
  reject: (error: Error) => void;
}

export class PdCommandQueue {
  private readonly queue: QueuedCommand[] = [];

  constructor(
    private readonly readerId: string,
    /** How long a command without its own `waitMs` may wait. */
    private readonly defaultWaitMs: number,
  ) {}

  /** Queues a command; resolves with its reply, rejects with {@link OsdpCommandError}. */
  add(request: CommandRequest, now: number): Promise<CommandReply> {
    return new Promise((resolve, reject) => {
      this.queue.push({
        request,
        expect: request.expect ?? [REPLY.ACK],
        deadline: now + (request.waitMs ?? this.defaultWaitMs),
        resolve,
        reject,
      });
    });
  }

  /** A command whose exchange has to start again goes first. */
  putBack(command: QueuedCommand): void {
    this.queue.unshift(command);
  }

  /** Whether a command may be sent now (`secure`: a secure session is established). */
  hasSendable(secure: boolean): boolean {
    return this.queue.some((queued) => sendable(queued, secure));
  }

  /** Takes the first command that may be sent now, or undefined. */
  takeSendable(secure: boolean): QueuedCommand | undefined {
    const index = this.queue.findIndex((queued) => sendable(queued, secure));
    if (index < 0) return undefined;
    return this.queue.splice(index, 1)[0];
  }

  /** Fails the commands that waited longer than they may (`secureState` explains a wait for a session). */
  expire(now: number, secureState: () => SecureChannelState): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const queued = this.queue[i]!;
      if (now < queued.deadline) continue;
      this.queue.splice(i, 1);
      queued.reject(
        new OsdpCommandError(
          queued.request.requiresSecure
            ? `no secure session with reader ${this.readerId} in time (${secureState()})`
            : `reader ${this.readerId} did not come online in time`,
          'not_sent',
        ),
      );
    }
  }

  /** Fails the queued commands `which` selects. */
  fail(which: (queued: QueuedCommand) => boolean, code: string, message: string): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const queued = this.queue[i]!;
      if (!which(queued)) continue;
      this.queue.splice(i, 1);
      queued.reject(new OsdpCommandError(message, code));
    }
  }

  /** Fails every queued command with `error`. */
  failAll(error: OsdpCommandError): void {
    for (const queued of this.queue.splice(0)) queued.reject(error);
  }
}

function sendable(queued: QueuedCommand, secure: boolean): boolean {
  return !queued.request.requiresSecure || secure;
}
