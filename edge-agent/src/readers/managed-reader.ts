/**
 * Readers that describe themselves and take commands from the server (OSDP today):
 * the agent reports them on the `readers` channel and routes reader commands to them.
 * Plain readers (RDM6300) are reported from their fault/recovered events alone.
 */
import type { CardReader } from '@acs/shared/hardware/interfaces';
import type { OsdpReaderDetail } from '@acs/shared/readers/reader-report';
import type { ReaderSettingsStore } from './reader-settings-store.js';

export interface ReaderDescription {
  online: boolean;
  /** Stable code of the current fault, null when the reader works. */
  fault: string | null;
  osdp?: OsdpReaderDetail;
}

export interface ManagedReader extends CardReader {
  readonly managed: true;
  /** Where the reader persists keys and settings; set by the agent before `start()`. */
  useSettingsStore(store: ReaderSettingsStore): void;
  describe(): ReaderDescription;
  /** Allows install mode (the default key) for `durationMs` from now; 0 closes the window. */
  openProvisioningWindow(durationMs: number): void;
  /** Installs a key on the reader over its secure channel; resolves once the reader confirmed it and it is stored. */
  installKey(key: Buffer, keyId: string): Promise<void>;
  /** Lockdown indication on the reader (LED), where it has one. */
  indicateLockdown(active: boolean): void;
}

export function isManagedReader(reader: CardReader): reader is ManagedReader {
  return (reader as Partial<ManagedReader>).managed === true;
}
