import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

/*
 * The ops dashboard: static pages (HTML, CSS, vanilla JS modules) with no data in them. Every
 * figure the pages show comes from the JSON/CSV endpoints, called by the page with the API key
 * the user pasted (kept in sessionStorage), so the pages themselves are open in ROUTE_POLICY.
 *
 * The assets live in src/dashboard/assets and the build copies them to dist/dashboard/assets, so
 * this module finds them next to itself whether it runs from src (tests) or dist (npm start).
 * They are read once at registration: a fixed set, and no request ever touches the filesystem.
 */

export const DASHBOARD_ASSETS_DIR = fileURLToPath(new URL('./assets/', import.meta.url));

/**
 * Scripts only from this origin and no inline script at all; Trusted Types makes any
 * `innerHTML`-style sink throw, so page code can only build the DOM from text nodes. Data calls
 * go to this origin only; proof downloads are navigations (not limited by connect-src). A page
 * served elsewhere (the buyer's tracking page) narrows scripts and styles further, nothing else.
 */
export function contentSecurityPolicy(sources: { script?: string; style?: string } = {}): string {
  return [
    "default-src 'none'",
    `script-src ${sources.script ?? "'self'"}`,
    `style-src ${sources.style ?? "'self'"}`,
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
    'trusted-types',
  ].join('; ');
}

export const DASHBOARD_CSP = contentSecurityPolicy();

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

interface Asset {
  body: Buffer;
  contentType: string;
}

/** Every servable file in `dir` (flat: the dashboard has no sub-folders), by file name. */
export function loadDashboardAssets(dir: string = DASHBOARD_ASSETS_DIR): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const contentType = CONTENT_TYPES[path.extname(entry.name)];
    if (!entry.isFile() || contentType === undefined) continue;
    assets.set(entry.name, { body: readFileSync(path.join(dir, entry.name)), contentType });
  }
  if (!assets.has('index.html')) throw new Error(`dashboard assets: no index.html in ${dir} (was the build's asset copy skipped?)`);
  return assets;
}

/** The security headers of every page the api serves; `csp` narrows the dashboard's policy for other pages. */
export function secured(reply: FastifyReply, csp: string = DASHBOARD_CSP): FastifyReply {
  return reply
    .header('content-security-policy', csp)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('cache-control', 'no-cache');
}

/**
 * GET /dashboard and its client-side routes (stuck list, shipments/:id, performance, approvals)
 * all answer the one page; GET /dashboard/assets/:file the scripts and styles.
 */
export function registerDashboardRoutes(app: FastifyInstance, options: { assetsDir?: string } = {}): void {
  const assets = loadDashboardAssets(options.assetsDir);
  const page = assets.get('index.html') as Asset;
  const sendPage = async (_request: unknown, reply: FastifyReply) => secured(reply).type(page.contentType).send(page.body);
  app.get('/dashboard', sendPage);
  app.get('/dashboard/', sendPage);
  for (const view of ['stuck', 'performance', 'approvals', 'shipments/:id']) app.get(`/dashboard/${view}`, sendPage);
  app.get('/dashboard/assets/:file', async (request, reply) => {
    const { file } = request.params as { file: string };
    const asset = assets.get(file);
    if (asset === undefined) return reply.code(404).send({ error: 'not_found', message: `no dashboard asset ${file}` });
    return secured(reply).type(asset.contentType).send(asset.body);
  });
}
