import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Controller, Get, Header, StreamableFile } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { ANY_ROLE, Public, Roles } from '../auth/roles.js';
import { OpenApiDocumentHolder } from './openapi-document.holder.js';

// Swagger UI's files come with @nestjs/swagger (its swagger-ui-dist dependency).
const fromSwagger = createRequire(createRequire(import.meta.url).resolve('@nestjs/swagger'));
const SWAGGER_UI_DIR = dirname(fromSwagger.resolve('swagger-ui-dist/package.json'));

/**
 * The page shows the description with Swagger UI. It holds no data itself: it reads the
 * description with the session token the dashboard keeps in this browser tab, or one
 * pasted into the page. Its script and style are files, not inline: the Content-Security-
 * Policy (common/security-headers.ts) lets no inline script run on any page of the server.
 */
const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Access control API</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css">
<link rel="stylesheet" href="/api/docs/docs.css">
</head>
<body>
<div id="signin" hidden>
  <p>The API description needs a session. Sign in to the dashboard in this tab, or paste a session token from <code>POST /api/auth/login</code>:</p>
  <input id="token" size="60" autocomplete="off" aria-label="Session token"> <button id="use">Show the API</button>
</div>
<div id="swagger-ui"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/docs.js"></script>
</body>
</html>
`;

const DOCS_STYLE = `body{margin:0;font-family:sans-serif} #signin{padding:12px 20px;background:#fffbe6;border-bottom:1px solid #ffe58f} #signin[hidden]{display:none}
`;

const DOCS_SCRIPT = `(function () {
  function show(token) {
    document.getElementById('signin').hidden = true;
    window.ui = SwaggerUIBundle({
      url: '/api/openapi.json',
      dom_id: '#swagger-ui',
      requestInterceptor: function (req) { req.headers.Authorization = 'Bearer ' + token; return req; },
    });
  }
  var stored = null;
  try { stored = sessionStorage.getItem('acs.token'); } catch (e) {}
  if (stored) show(stored);
  else document.getElementById('signin').hidden = false;
  document.getElementById('use').addEventListener('click', function () {
    var token = document.getElementById('token').value.trim();
    if (token) show(token);
  });
})();
`;

@Controller()
export class OpenApiController {
  constructor(private readonly holder: OpenApiDocumentHolder) {}

  /** The OpenAPI 3 description of every /api route; like the data it describes, it needs a session. */
  @Roles(ANY_ROLE)
  @Get('openapi.json')
  document(): OpenAPIObject {
    return this.holder.get();
  }

  @Public()
  @Get('docs')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  docsPage(): string {
    return DOCS_PAGE;
  }

  @Public()
  @Get('docs/docs.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  docsStyle(): string {
    return DOCS_STYLE;
  }

  @Public()
  @Get('docs/docs.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  docsScript(): string {
    return DOCS_SCRIPT;
  }

  @Public()
  @Get('docs/swagger-ui.css')
  @Header('Cache-Control', 'public, max-age=86400')
  swaggerCss(): StreamableFile {
    return new StreamableFile(createReadStream(join(SWAGGER_UI_DIR, 'swagger-ui.css')), { type: 'text/css; charset=utf-8' });
  }

  @Public()
  @Get('docs/swagger-ui-bundle.js')
  @Header('Cache-Control', 'public, max-age=86400')
  swaggerBundle(): StreamableFile {
    return new StreamableFile(createReadStream(join(SWAGGER_UI_DIR, 'swagger-ui-bundle.js')), { type: 'text/javascript; charset=utf-8' });
  }
}
