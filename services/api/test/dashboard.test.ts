import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Fastify from 'fastify';
import { DASHBOARD_ASSETS_DIR, DASHBOARD_CSP, registerDashboardRoutes } from '../src/dashboard/dashboard.routes.js';
import { startAccessStack, type AccessStack } from './access-fixture.js';

describe('dashboard pages', () => {
  let s: AccessStack;

  beforeAll(async () => {
    s = await startAccessStack();
  });
  afterAll(async () => s?.close());

  it('serves the page without a key (it holds no data) under a strict CSP, at every view the client routes', async () => {
    for (const url of ['/dashboard', '/dashboard/', '/dashboard/stuck', '/dashboard/performance', '/dashboard/approvals', '/dashboard/shipments/0190a3b4-0000-7000-8000-000000000001']) {
      const response = await fetch(`${s.url}${url}`);
      expect([url, response.status]).toEqual([url, 200]);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      const html = await response.text();
      expect(html).toContain('<script type="module" src="/dashboard/assets/app.js"></script>');
      // Nothing inline: the CSP would block it anyway, and the page must work under it.
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html).not.toMatch(/\sstyle=|\son[a-z]+=/i);
    }
  });

  it('allows scripts from its own origin only, no inline script or style, and no HTML sinks (Trusted Types)', () => {
    const directives = new Map(DASHBOARD_CSP.split('; ').map((d) => [d.split(' ')[0], d.slice(d.indexOf(' ') + 1)] as const));
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('style-src')).toBe("'self'");
    expect(directives.get('default-src')).toBe("'none'");
    expect(directives.get('connect-src')).toBe("'self'");
    expect(directives.get('frame-ancestors')).toBe("'none'");
    expect(directives.get('require-trusted-types-for')).toBe("'script'");
    expect(DASHBOARD_CSP).not.toContain('unsafe');
  });

  it('serves every asset with its type and the CSP, and 404 for an unknown one', async () => {
    const files = await readdir(DASHBOARD_ASSETS_DIR);
    expect(files).toEqual(expect.arrayContaining(['index.html', 'app.js', 'dashboard.css', 'stuck.js', 'shipment.js', 'performance.js', 'approvals.js']));
    for (const file of files) {
      const response = await fetch(`${s.url}/dashboard/assets/${file}`);
      expect([file, response.status]).toEqual([file, 200]);
      const type = response.headers.get('content-type');
      expect(type).toBe(file.endsWith('.js') ? 'text/javascript; charset=utf-8' : file.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
    }
    const unknown = await fetch(`${s.url}/dashboard/assets/nope.js`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'not_found', message: 'no dashboard asset nope.js' });
    // Only files the dashboard ships: no way out of the folder, encoded or not.
    for (const url of ['/dashboard/assets/..%2Fdashboard.routes.ts', '/dashboard/assets/%2e%2e%2f%2e%2e%2fpackage.json']) {
      expect([url, (await fetch(`${s.url}${url}`)).status]).toEqual([url, 404]);
    }
    expect((await fetch(`${s.url}/dashboard/elsewhere`)).status).toBe(404);
  });

  it('every script the page loads only imports modules that exist among the assets', async () => {
    const files = new Set(await readdir(DASHBOARD_ASSETS_DIR));
    for (const file of [...files].filter((f) => f.endsWith('.js'))) {
      const source = await (await fetch(`${s.url}/dashboard/assets/${file}`)).text();
      for (const [, target] of source.matchAll(/^import [^'"]*['"]\.\/([^'"]+)['"]/gm)) expect([file, files.has(target as string)]).toEqual([file, true]);
      // The DOM is built from text nodes only; a markup sink would also break under Trusted Types.
      expect([file, /\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write/.test(source)]).toEqual([file, false]);
    }
  });

  it('refuses to start without its assets, naming the folder (a build that skipped the copy)', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'pw-dashboard-'));
    try {
      await writeFile(path.join(empty, 'app.js'), '');
      expect(() => registerDashboardRoutes(Fastify(), { assetsDir: empty })).toThrow(`no index.html in ${empty}`);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
