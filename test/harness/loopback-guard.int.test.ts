import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import net from 'node:net';
import { isLoopbackHost, refusedConnections } from './loopback-guard.mjs';

// The guard is installed by jest's setupFiles; this file checks it refuses before a packet leaves.
describe('loopback guard', () => {
  afterEach(() => {
    // What this file provoked on purpose; loopback-check.ts fails any other file that refuses one.
    refusedConnections.length = 0;
  });

  it('knows loopback from the rest', () => {
    for (const host of ['127.0.0.1', '127.8.9.10', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['192.0.2.1', '10.0.0.1', '::2', 'api.17track.net', 'localhost.example.com', '0.0.0.0']) expect(isLoopbackHost(host)).toBe(false);
  });

  it('refuses fetch, http and raw sockets to any other host, and counts each', async () => {
    await expect(fetch('http://192.0.2.1:8080/')).rejects.toThrow();
    expect(() => net.connect({ host: 'api.17track.net', port: 443 })).toThrow(/loopback guard/);
    expect(() => net.connect(80, '198.51.100.7')).toThrow(/loopback guard/);
    expect(refusedConnections).toEqual(['192.0.2.1:8080', 'api.17track.net:443', '198.51.100.7:80']);
  });

  it('lets loopback through', async () => {
    const server = createServer((_request, response) => response.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('ok');
      expect(await (await fetch(`http://localhost:${port}/`)).text()).toBe('ok');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(refusedConnections).toEqual([]);
  });
});
