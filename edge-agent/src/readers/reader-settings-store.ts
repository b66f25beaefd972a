/**
 * Where readers keep what they learn at run time and must not forget across restarts:
 * OSDP keys (the one in force, one sent but not confirmed), COMSET address and speed
 * changes. The agent backs it with its local SQLite store; tests use the in-memory one.
 * Keys live here, never in the configuration file, and are never logged.
 */
export interface ReaderSettingsStore {
  read(key: string): Promise<string | null>;
  write(key: string, value: string): Promise<void>;
}

export class MemoryReaderSettingsStore implements ReaderSettingsStore {
  readonly values = new Map<string, string>();

  async read(key: string): Promise<string | null> {
    return this.values.get(key) ?? null;
  }

  async write(key: string, value: string): Promise<void> {
    this.values.set(key, value);
  }
}
