import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';

type Next = () => void;
interface ExpressResponse extends ServerResponse {
  sendFile(path: string, callback?: (err?: Error) => void): void;
}

const NOT_BUILT = `The dashboard is not built yet.

Run \`npm run build\` in the repository root (or \`npm start\`, which builds and starts everything),
then reload this page. The API is already answering under /api.
`;

function isServerPath(url: string): boolean {
  return url === '/api' || url.startsWith('/api/') || url.startsWith('/api?') || url.startsWith('/socket.io');
}

/**
 * Serves the built dashboard from `dir` with a single-page-app fallback: any GET outside
 * `/api` and `/socket.io` that names no file gets `index.html`. Without a build, `/`
 * explains how to make one.
 */
export function serveDashboard(app: NestExpressApplication, dir: string): void {
  const index = join(dir, 'index.html');
  if (!existsSync(index)) {
    app.use((req: IncomingMessage, res: ServerResponse, next: Next) => {
      const path = (req.url ?? '/').split('?')[0];
      if ((req.method === 'GET' || req.method === 'HEAD') && (path === '/' || path === '/index.html')) {
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(NOT_BUILT);
        return;
      }
      next();
    });
    return;
  }
  app.useStaticAssets(dir, { index: 'index.html', maxAge: 0 });
  app.use((req: IncomingMessage, res: ExpressResponse, next: Next) => {
    const url = req.url ?? '/';
    const path = url.split('?')[0]!;
    const wantsPage = req.method === 'GET' || req.method === 'HEAD';
    // Paths with an extension are files: a missing one is a 404, not the app.
    if (!wantsPage || isServerPath(url) || /\.[a-z0-9]+$/i.test(path)) {
      next();
      return;
    }
    res.sendFile(index, (err) => {
      if (err) next();
    });
  });
}
