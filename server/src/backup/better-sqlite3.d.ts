// better-sqlite3 ships no types and @types/better-sqlite3 is not a dependency; this covers
// only what the backup uses.
declare module 'better-sqlite3' {
  interface Statement {
    get(...params: unknown[]): unknown;
    run(...params: unknown[]): { changes: number };
  }
  interface DatabaseOptions {
    readonly?: boolean;
    fileMustExist?: boolean;
    timeout?: number;
  }
  class Database {
    constructor(filename: string, options?: DatabaseOptions);
    prepare(sql: string): Statement;
    exec(sql: string): this;
    pragma(source: string): unknown;
    backup(destination: string): Promise<{ totalPages: number; remainingPages: number }>;
    close(): this;
  }
  export default Database;
}
