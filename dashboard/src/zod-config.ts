// Imported first by main.tsx, before any module that builds or parses a zod schema.
// zod speeds up object parsing by compiling code with `new Function`, and probes for it on
// first use; the server's Content-Security-Policy forbids eval (no 'unsafe-eval'), so the
// probe alone is reported as a violation. The dashboard parses little: no compiling.
import { config } from 'zod';

config({ jitless: true });
