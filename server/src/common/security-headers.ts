import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/**
 * The Content-Security-Policy of every response: the dashboard, the API docs page and the
 * API itself. The session token lives in sessionStorage, where any script on the page can
 * read it, so only the server's own script files may run: no inline script, no eval, no
 * other origin.
 *
 * style-src allows 'unsafe-inline' because antd (CSS-in-JS) and Swagger UI write <style>
 * elements at run time; antd could take a nonce, but only from a page rewritten per
 * response, and styles cannot read the token. Scripts get no such exception.
 */
export const CONTENT_SECURITY_POLICY: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  // data: for the empty favicon and Swagger UI's icons, blob: for a photo's preview before upload.
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'", 'data:'],
  // 'self' covers socket.io's same-origin WebSocket in current browsers.
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/**
 * helmet with the policy above, frames refused (CSP and X-Frame-Options for older
 * browsers), nosniff, and no Referer at all (page addresses carry record ids). `upgrade-insecure-requests` is
 * left out: sites run the server on plain HTTP on their LAN, where it would break every
 * request; HSTS (helmet's default) is ignored on HTTP and holds once TLS is in front.
 */
export function securityHeaders(): Middleware {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: Object.fromEntries(Object.entries(CONTENT_SECURITY_POLICY).map(([k, v]) => [k, [...v]])),
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
}
