/**
 * An RDM6300 reader on a serial port, as a `CardReader`. The port is a
 * `SerialConnection`: the operating system's port on a Pi (or a pseudo-terminal), or
 * the simulator's in-process port, reopened with backoff when it disappears (`fault`,
 * then `recovered` once it is open again; the module only transmits, so an open port is
 * a working reader). Other readers keep deciding meanwhile.
 */
import { em4100Credential } from '@acs/shared/credentials/credential';
import { CardReaderBase } from './card-reader-base.js';
import { Rdm6300Decoder, type Rdm6300Stats } from './rdm6300-parser.js';
import { SerialConnection, type SerialReaderOptions } from './serial-connection.js';

export { DEFAULT_BACKOFF, type BackoffOptions } from './serial-connection.js';

export type Rdm6300ReaderOptions = SerialReaderOptions;

export class Rdm6300Reader extends CardReaderBase {
  private readonly connection: SerialConnection;
  /** Counters survive reopening; a partial frame from the old port does not. */
  private readonly decoder: Rdm6300Decoder;

  constructor(private readonly options: Rdm6300ReaderOptions) {
    super({
      id: options.id,
      debounceMs: options.debounceMs ?? 1000,
      log: options.log,
      ...(options.feedback ? { feedback: options.feedback } : {}),
    });
    this.decoder = new Rdm6300Decoder((rejection) =>
      this.log.debug(() => `rejected frame on ${this.id}: ${rejection.reason} (${rejection.detail}) ${rejection.bytes.toString('hex')}`),
    );
    this.connection = new SerialConnection({
      path: options.path,
      baudRate: options.baudRate ?? 9600,
      binding: options.binding,
      owner: `reader ${options.id}`,
      log: options.log,
      ...(options.backoff ? { backoff: options.backoff } : {}),
    });
    this.connection.on('open', () => {
      this.decoder.reset();
      this.connection.resetBackoff();
      if (!this.reportWorking({ path: options.path })) {
        this.log.info(`reader ${this.id} listening`, { path: options.path, baudRate: options.baudRate ?? 9600 });
      }
    });
    this.connection.on('lost', (code, message) => this.reportFault(code, message));
    this.connection.on('data', (chunk, receivedAtNs) => {
      for (const frame of this.decoder.push(chunk)) this.emitCard(em4100Credential(frame.tag), receivedAtNs);
    });
  }

  /** Counters of decoded and rejected frames since start. */
  get stats(): Rdm6300Stats {
    return this.decoder.stats;
  }

  get isOpen(): boolean {
    return this.connection.isOpen;
  }

  protected startReading(): Promise<void> {
    return this.connection.start();
  }

  protected stopReading(): Promise<void> {
    return this.connection.stop();
  }
}
