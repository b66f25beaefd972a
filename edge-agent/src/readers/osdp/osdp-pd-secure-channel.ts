/**
 * The secure channel with one PD as the control panel runs it: which key to try, the
 * handshake (osdp_CHLNG, osdp_SCRYPT), MACs on the exchanges inside a session, and when a
 * session ends. The cryptography itself is in osdp-secure-channel.ts; this is the policy
 * (docs/hardware.md#osdp-keys):
 * - the PD's own key (SCBK) when the agent holds one; the default key SCBK-D only while
 *   a provisioning window is open for this reader;
 * - a PD that had its own key and answers with a factory default key (SCBK-D, all-zero:
 *   `FACTORY_DEFAULT_KEYS`) raises `keyReset` (an alert) and is never re-keyed automatically;
 * - inside a session every reply must carry a valid MAC: a plaintext or badly MACed reply
 *   ends the session (and the command with it), then the handshake starts again.
 */
import type { SecureChannelState } from '@acs/shared/readers/reader-report';
import type { Logger } from '../../log/logger.js';
import type { CapabilitySummary } from './osdp-messages.js';
import { encodePacket, type CheckType, type OsdpPacket, type Sequence } from './osdp-packet.js';
import { CMD, REPLY, replyName, SCS, scbHasMac } from './osdp-protocol.js';
import { CpSecureSession, SCBK_D, type KeyKind } from './osdp-secure-channel.js';
import type { OsdpTiming } from './osdp-timing.js';

/** The handshake's command on the wire next: CHLNG, then SCRYPT once the PD's cryptogram verified. */
export type HandshakeStep = 'chlng' | 'scrypt';

type HandshakeOutcome = 'failed' | 'key_reset' | 'unsupported';

/** A key to try in a handshake, captured when the handshake starts (the agent may change keys meanwhile). */
interface KeyCandidate {
  kind: 'current' | 'pending' | 'default';
  key: Buffer;
}

/** What a reply says once the secure channel has looked at it. */
export type OpenedReply =
  | { kind: 'data'; data: Buffer }
  /** It broke the session's rules: the session ends. */
  | { kind: 'security_failure'; reason: string }
  /** It cannot be an answer to this exchange. */
  | { kind: 'invalid'; reason: string };

export interface PdSecureChannelOptions {
  readerId: string;
  /** The PD's address now (it changes with COMSET). */
  address: () => number;
  /** The configuration asks for the secure channel with this reader. */
  enabled: boolean;
  timing: OsdpTiming;
  log: Logger;
  now: () => number;
  /** The PD had its own key and answered with a factory default key. Raised once per episode. */
  onKeyReset: (detail: string) => void;
  /** A session came up with the pending key (its KEYSET reply had been lost): it is now the key in force. */
  onKeyPromoted: (key: Buffer) => void;
}

export class PdSecureChannel {
  private secure: CpSecureSession | null = null;
  private handshakeStepValue: HandshakeStep | null = null;
  private currentKey: Buffer | null = null;
  private pendingKey: Buffer | null = null;
  private windowUntil: number | null = null;
  private candidates: KeyCandidate[] = [];
  private candidate: KeyCandidate | null = null;
  /** The osdp_SCRYPT payload between a verified CCRYPT and its sending. */
  private pendingScrypt: Buffer | null = null;
  private handshakeAt = 0;
  private handshakeOutcome: HandshakeOutcome | null = null;
  private keyResetRaised = false;

  constructor(private readonly options: PdSecureChannelOptions) {}

  get isEstablished(): boolean {
    return this.secure?.isEstablished ?? false;
  }

  /** A session exists: established, or its handshake under way. */
  get hasSession(): boolean {
    return this.secure !== null;
  }

  /** The handshake command to send next, or null when no handshake is under way. */
  get handshakeStep(): HandshakeStep | null {
    return this.handshakeStepValue;
  }

  state(): SecureChannelState {
    if (!this.options.enabled) return 'disabled';
    if (this.secure?.isEstablished) return this.secure.keyKind === 'scbk-d' ? 'install_mode' : 'secure';
    if (this.handshakeOutcome === 'unsupported') return 'unsupported';
    if (this.handshakeStepValue) return 'establishing';
    if (this.handshakeOutcome) return this.handshakeOutcome;
    return this.canHandshake(this.options.now()) ? 'establishing' : 'awaiting_key';
  }

  /** The end of the open provisioning window, or null. */
  provisioningUntil(now: number): number | null {
    return this.windowOpen(now) ? this.windowUntil : null;
  }

  // ---------------------------------------------------------------- keys and windows

  /** Keys the agent holds for this PD (the one in force, and one sent by KEYSET but not confirmed). */
  setKeys(current: Buffer | null, pending: Buffer | null): void {
    this.currentKey = current ? Buffer.from(current) : null;
    this.pendingKey = pending ? Buffer.from(pending) : null;
    this.handshakeAt = 0;
  }

  /** Allows SCBK-D until `until` (ms); a past time closes the window. */
  setProvisioningWindow(until: number | null): void {
    this.windowUntil = until;
    // A newly opened window is used at once: no waiting for the handshake retry.
    if (this.windowOpen(this.options.now())) this.handshakeAt = 0;
  }

  /** The PD took a KEYSET: it switches to the new key once it has answered; the next session uses it. */
  afterKeyset(key: Buffer): void {
    this.currentKey = Buffer.from(key);
    this.pendingKey = null;
    this.drop();
    this.handshakeOutcome = null;
    this.keyResetRaised = false;
    this.handshakeAt = 0;
  }

  /** The PD's capabilities are known: a PD without a secure channel cannot have one; any other gets a handshake at once. */
  afterCapabilities(summary: CapabilitySummary | null): void {
    if (!this.options.enabled) return;
    if (summary && !summary.secureChannel) {
      if (this.handshakeOutcome !== 'unsupported') {
        this.options.log.error(
          `reader ${this.options.readerId} has no secure channel but the configuration asks for one; its cards are refused`,
        );
      }
      this.handshakeOutcome = 'unsupported';
      return;
    }
    if (this.handshakeOutcome === 'unsupported') this.handshakeOutcome = null;
    this.handshakeAt = 0;
  }

  // ---------------------------------------------------------------- sessions

  /** A handshake should start now. */
  handshakeDue(now: number): boolean {
    return this.wantsHandshake(now) && now >= this.handshakeAt;
  }

  /** A key to try is at hand: one of the PD's own, or SCBK-D in an open window. */
  canHandshake(now: number): boolean {
    return this.currentKey !== null || this.pendingKey !== null || this.windowOpen(now);
  }

  /** Ends the session (or the handshake under way); the next one follows the handshake schedule. */
  drop(): void {
    this.secure = null;
    this.pendingScrypt = null;
    this.candidate = null;
    this.candidates = [];
    this.handshakeStepValue = null;
  }

  /** The next handshake goes at once, not after the retry delay. */
  handshakeNow(): void {
    this.handshakeAt = 0;
  }

  /** The PD asked for a (new) session: one it had is set up again at once. */
  sessionRefused(): void {
    const hadSession = this.secure !== null;
    this.drop();
    // Without a session, the handshake keeps its own schedule.
    if (hadSession) this.handshakeAt = 0;
  }

  /** An install-mode session (SCBK-D) ends with its window; true when it just did. */
  closeExpiredInstallSession(now: number): boolean {
    if (this.secure?.isEstablished && this.secure.keyKind === 'scbk-d' && !this.windowOpen(now)) {
      this.options.log.info(`provisioning window of reader ${this.options.readerId} closed; leaving install mode`);
      this.drop();
      this.handshakeAt = 0;
      return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- handshake

  /** Starts a handshake with every key there is to try, in order: the PD's own, the pending one, SCBK-D. */
  beginHandshake(): void {
    const now = this.options.now();
    this.candidates = [];
    if (this.currentKey) this.candidates.push({ kind: 'current', key: this.currentKey });
    if (this.pendingKey) this.candidates.push({ kind: 'pending', key: this.pendingKey });
    if (this.windowOpen(now)) this.candidates.push({ kind: 'default', key: SCBK_D });
    this.nextCandidate();
  }

  /** The command of the handshake step under way, with its security block. */
  handshakeRequest(): { step: HandshakeStep; code: number; data: Buffer; scb: Buffer } {
    const session = this.secure!;
    if (this.handshakeStepValue === 'scrypt')
      return { step: 'scrypt', code: CMD.SCRYPT, data: this.pendingScrypt!, scb: session.scryptScb() };
    return { step: 'chlng', code: CMD.CHLNG, data: session.cpRandom, scb: session.challengeScb() };
  }

  /** The PD answered CHLNG. True when the handshake goes on at once (SCRYPT, or the next key). */
  onCcrypt(packet: OsdpPacket, data: Buffer, now: number): boolean {
    const session = this.secure;
    if (!session || packet.code !== REPLY.CCRYPT || packet.scb?.[1] !== SCS.CCRYPT) {
      this.options.log.warn(`reader ${this.options.readerId} answered CHLNG with ${replyName(packet.code)}`);
      return this.candidateFailed(now, 'failed');
    }
    const check = session.checkCcrypt(data);
    const pdUsedDefault = packet.scb[2] === 0;
    if (check.verified && check.scrypt) {
      this.pendingScrypt = check.scrypt;
      this.handshakeStepValue = 'scrypt';
      return true;
    }
    // A PD that marks its answer as SCBK-D (security block data 0) is taken at its word; one
    // that claims its own key is recognised by the factory key its cryptogram verifies under.
    const factoryKey = check.factoryKey ?? (pdUsedDefault ? 'SCBK-D' : null);
    if (this.candidate?.kind === 'current' && factoryKey) {
      this.handshakeOutcome = 'key_reset';
      if (!this.keyResetRaised) {
        this.keyResetRaised = true;
        const detail = `reader ${this.options.readerId} (address ${this.options.address()}) had its own key and now answers with the factory default key ${factoryKey}; not re-keyed automatically`;
        this.options.log.error(detail);
        this.options.onKeyReset(detail);
      }
    }
    return this.candidateFailed(now, this.handshakeOutcome === 'key_reset' ? 'key_reset' : 'failed');
  }

  /** The PD answered SCRYPT. True when the exchanges go on at once (the session is up, or the next key is tried). */
  onRmacI(packet: OsdpPacket, data: Buffer, now: number): boolean {
    const session = this.secure;
    if (!session || packet.code !== REPLY.RMAC_I || packet.scb?.[1] !== SCS.RMAC_I || !session.acceptRmacI(packet.scb[2] ?? 0, data)) {
      this.options.log.warn(`reader ${this.options.readerId}: R-MAC-I did not verify`);
      return this.candidateFailed(now, 'failed');
    }
    this.handshakeStepValue = null;
    this.pendingScrypt = null;
    if (this.candidate?.kind === 'current') {
      this.handshakeOutcome = null;
      this.keyResetRaised = false;
    } else if (this.candidate?.kind === 'pending') {
      this.handshakeOutcome = null;
      this.keyResetRaised = false;
      this.currentKey = this.candidate.key;
      this.pendingKey = null;
      this.options.onKeyPromoted(Buffer.from(this.candidate.key));
    } else if (this.handshakeOutcome !== 'key_reset') {
      this.handshakeOutcome = null;
    }
    this.options.log.info(
      `secure channel with reader ${this.options.readerId} established${session.keyKind === 'scbk-d' ? ' with the default key (install mode)' : ''}`,
    );
    return true;
  }

  /**
   * The PD refused a handshake command (NAK): the next key is tried, unless the PD has no
   * secure channel at all. True when the handshake goes on at once.
   */
  handshakeRefused(now: number, outcome: 'failed' | 'unsupported'): boolean {
    return this.candidateFailed(now, outcome);
  }

  // ---------------------------------------------------------------- exchanges inside a session

  /** A command inside the established session: MACed, its data (if any) encrypted. */
  sealCommand(fields: { address: number; sequence: Sequence; check: CheckType; code: number; data: Buffer }, mark: boolean): Buffer {
    const session = this.secure!;
    const encrypt = fields.data.length > 0;
    return encodePacket(
      {
        address: fields.address,
        reply: false,
        sequence: fields.sequence,
        check: fields.check,
        scb: Buffer.from([2, encrypt ? SCS.CMD_MAC_ENC : SCS.CMD_MAC]),
        code: fields.code,
        data: encrypt ? session.encryptCommandData(fields.data) : fields.data,
      },
      { mark, mac: (input) => session.commandMacFor(input) },
    );
  }

  /** Checks a reply to a command sent inside the session (`secured`) or outside it, and decrypts its data. */
  openReply(packet: OsdpPacket, secured: boolean): OpenedReply {
    if (secured) {
      const type = packet.scb?.[1];
      if (!packet.scb || (type !== SCS.REPLY_MAC && type !== SCS.REPLY_MAC_ENC) || !packet.mac) {
        return { kind: 'security_failure', reason: `plaintext ${replyName(packet.code)} inside the secure session refused` };
      }
      if (!this.secure!.verifyReplyMac(packet.macInput, packet.mac)) {
        return { kind: 'security_failure', reason: `MAC of ${replyName(packet.code)} does not verify` };
      }
      if (type === SCS.REPLY_MAC_ENC) {
        const plain = this.secure!.decryptReplyData(packet.data);
        if (!plain) return { kind: 'security_failure', reason: `encrypted data of ${replyName(packet.code)} does not decrypt` };
        return { kind: 'data', data: plain };
      }
    } else if (packet.scb && scbHasMac(packet.scb[1]!)) {
      return { kind: 'invalid', reason: `MACed ${replyName(packet.code)} outside a secure session` };
    }
    return { kind: 'data', data: packet.data };
  }

  // ---------------------------------------------------------------- internals

  private windowOpen(now: number): boolean {
    return this.windowUntil !== null && now < this.windowUntil;
  }

  private wantsHandshake(now: number): boolean {
    return this.options.enabled && !this.secure && this.handshakeOutcome !== 'unsupported' && this.canHandshake(now);
  }

  /** Starts CHLNG with the next key candidate; false when none is left. */
  private nextCandidate(): boolean {
    const candidate = this.candidates.shift();
    if (!candidate) {
      this.candidate = null;
      this.secure = null;
      this.handshakeStepValue = null;
      return false;
    }
    this.candidate = candidate;
    const kind: KeyKind = candidate.kind === 'default' ? 'scbk-d' : 'scbk';
    this.secure = new CpSecureSession(candidate.key, kind);
    this.handshakeStepValue = 'chlng';
    return true;
  }

  private candidateFailed(now: number, outcome: HandshakeOutcome): boolean {
    this.pendingScrypt = null;
    if (outcome !== 'unsupported' && this.nextCandidate()) return true;
    this.secure = null;
    this.handshakeStepValue = null;
    if (this.handshakeOutcome !== 'key_reset' || outcome === 'unsupported') {
      if (this.handshakeOutcome !== outcome) this.options.log.error(`secure channel with reader ${this.options.readerId}: ${outcome}`);
      this.handshakeOutcome = outcome;
    }
    this.handshakeAt = now + this.options.timing.handshakeRetryMs;
    return false;
  }
}
