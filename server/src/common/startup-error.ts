/** The server cannot start as configured; main.ts prints the message and exits 1. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}
