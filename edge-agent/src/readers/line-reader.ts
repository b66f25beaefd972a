/**
 * A keyboard-wedge style reader on a serial port: each card arrives as a line of text
 * (see `line-format.ts`). Lines that do not fit the configured format are rejected,
 * counted and logged; a card held at the reader that repeats its line is debounced. The
 * port reconnects like every serial reader (`SerialConnection`).
 */
import { CardReaderBase } from './card-reader-base.js';
import { LineDecoder, parseLine, type LineFormat } from './line-format.js';
import { SerialConnection, type SerialReaderOptions } from './serial-connection.js';

export interface LineReaderOptions extends SerialReaderOptions {
  format: LineFormat;
  /** Longest line accepted; longer ones are noise. Default 64. */
  maxLineLength?: number;
}

export interface LineReaderStats {
  lines: number;
  cards: number;
  rejected: number;
  overlong: number;
}

export class LineReader extends CardReaderBase {
  private readonly connection: SerialConnection;
  private readonly decoder: LineDecoder;
  private cards = 0;
  private rejected = 0;

  constructor(private readonly options: LineReaderOptions) {
    super({
      id: options.id,
      debounceMs: options.debounceMs ?? 1000,
      log: options.log,
      ...(options.feedback ? { feedback: options.feedback } : {}),
    });
    this.decoder = new LineDecoder(options.maxLineLength ?? 64, (start) =>
      this.log.debug(
        () => `rejected line on ${this.id}: longer than ${options.maxLineLength ?? 64} characters (${JSON.stringify(start.slice(0, 16))}…)`,
      ),
    );
    const baudRate = options.baudRate ?? 9600;
    this.connection = new SerialConnection({
      path: options.path,
      baudRate,
      binding: options.binding,
      owner: `reader ${options.id}`,
      log: options.log,
      ...(options.backoff ? { backoff: options.backoff } : {}),
    });
    this.connection.on('open', () => {
      this.decoder.reset();
      this.connection.resetBackoff();
      if (!this.reportWorking({ path: options.path })) {
        this.log.info(`reader ${this.id} listening`, { path: options.path, baudRate, format: options.format.type });
      }
    });
    this.connection.on('lost', (code, message) => this.reportFault(code, message));
    this.connection.on('data', (chunk, receivedAtNs) => {
      for (const line of this.decoder.push(chunk)) this.onLine(line, receivedAtNs);
    });
  }

  get stats(): LineReaderStats {
    return { lines: this.decoder.stats.lines, cards: this.cards, rejected: this.rejected, overlong: this.decoder.stats.overlong };
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

  private onLine(line: string, receivedAtNs: bigint): void {
    const result = parseLine(line, this.options.format);
    if ('error' in result) {
      this.rejected++;
      this.log.debug(() => `rejected line on ${this.id}: ${result.error} (${JSON.stringify(line)})`);
      return;
    }
    this.cards++;
    this.emitCard(result.credential, receivedAtNs);
  }
}
