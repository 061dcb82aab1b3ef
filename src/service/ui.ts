/**
 * The web UI: the activity feed, the KPI dashboard and the audit trail in a browser
 * (docs/ui.md). `GET /` is the page and `/ui/BUILD/FILE` its scripts, styles and icon, built
 * from `ui/` by `npm run build` into `dist/ui/`: nothing is fetched from anywhere else. The
 * page signs in with a bearer token and reads the same `/v1` routes as any client, so what a
 * viewer may not see never reaches the browser.
 *
 * Assets are addressed by a build id (a hash of their contents), so they are cached for good;
 * the page itself is revalidated on every load, and names the current build.
 *
 * @example
 * const app = await createService({ store });
 * uiRoutes(app, context); // done by createService
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type } from '@sinclair/typebox';
import type { ServiceApp, ServiceContext } from './app.js';
import { feedStreamRoutes } from './feed-stream.js';
import { uiSessionRoutes } from './ui-session.js';

/** The built UI: its files by name, and the id that addresses this build. */
export interface UiAssets {
  readonly build: string;
  readonly files: ReadonlyMap<string, { readonly body: Buffer; readonly type: string }>;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

// Scripts, styles, images and requests only from this origin; no inline script, no framing:
// the page holds a bearer token, so nothing else may run in it.
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const BUILD_MARK = /%BUILD%/g;

/**
 * Registers the UI's page and assets, the feed's change notifications (`GET /v1/feed/stream`)
 * and what the page asks about its viewer (`GET /v1/ui/session`, `GET /v1/ui/contexts`).
 */
export function uiRoutes(app: ServiceApp, context: ServiceContext): void {
  feedStreamRoutes(app, context);
  uiSessionRoutes(app, context);
  uiAssetRoutes(app, builtUiDir());
}

/**
 * Registers `GET /` and `GET /ui/BUILD/FILE` over a built UI folder (without one, `/` says
 * to build it). Public: the page holds no data until it signs in.
 */
export function uiAssetRoutes(app: ServiceApp, dir: string | undefined): void {
  const assets = dir === undefined ? undefined : loadUiAssets(dir);

  const hidden = { hide: true } as const;
  app.get('/', { config: { public: true }, schema: hidden }, (request, reply) => {
    const page = assets?.files.get('index.html');
    if (assets === undefined || page === undefined) {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The web UI is not built: run `npm run build`.\n');
    }
    const etag = `"${assets.build}"`;
    reply
      .header('cache-control', 'no-cache')
      .header('etag', etag)
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer');
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type(page.type).send(page.body);
  });

  app.get(
    '/ui/:build/:file',
    {
      config: { public: true },
      schema: {
        hide: true,
        params: Type.Object({
          build: Type.String({ maxLength: 64 }),
          file: Type.String({ maxLength: 100 }),
        }),
      },
    },
    (request, reply) => {
      const { build, file } = request.params;
      const asset = assets?.build === build ? assets.files.get(file) : undefined;
      // Another build's asset, or none: the service's own answer to an unknown route.
      if (asset === undefined || file === 'index.html') return reply.callNotFound();
      return reply
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('x-content-type-options', 'nosniff')
        .type(asset.type)
        .send(asset.body);
    },
  );
}

/** Reads a built UI folder; the page names the build id where it says `%BUILD%`. */
export function loadUiAssets(dir: string): UiAssets {
  const names = readdirSync(dir)
    .filter((name) => TYPES[extname(name)] !== undefined && statSync(join(dir, name)).isFile())
    .sort();
  const hash = createHash('sha256');
  const bodies = new Map<string, Buffer>();
  for (const name of names) {
    const body = readFileSync(join(dir, name));
    hash.update(name).update('\0').update(body).update('\0');
    bodies.set(name, body);
  }
  const build = hash.digest('hex').slice(0, 16);
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const [name, body] of bodies) {
    const type = TYPES[extname(name)] ?? 'application/octet-stream';
    const text = name === 'index.html' ? body.toString('utf8').replace(BUILD_MARK, build) : null;
    files.set(name, { body: text === null ? body : Buffer.from(text, 'utf8'), type });
  }
  return { build, files };
}

/**
 * Where `npm run build` put the UI: `dist/ui` beside `dist/service`, or, when the service
 * runs from its TypeScript source (tests, tsx), the repository's `dist/ui`.
 */
export function builtUiDir(): string | undefined {
  const candidates = [
    fileURLToPath(new URL('../ui/', import.meta.url)),
    fileURLToPath(new URL('../../dist/ui/', import.meta.url)),
  ];
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}
