/**
 * A credential as it may appear in a log line: its last four characters, so an operator
 * can tell two cards apart without the log holding a number that opens a door.
 */
export function maskCredential(credential: string | null | undefined): string {
  if (!credential) return '-';
  const tail = credential.slice(-4);
  return credential.length > 4 ? `…${tail}` : '…';
}
