// Every test process (jest's setupFiles of the unit and integration configs, and `--import` in the
// child processes tests start) refuses any TCP connection that is not to loopback: a test, fixture
// or forgotten provider URL can never reach a real carrier, marketplace or mail server. Production
// wiring defaults to the providers' real hosts, so this is what makes a missing override loud.
// Unix sockets (PostgreSQL's, Docker's) are local by nature and allowed.
import net, { isIP } from 'node:net';

/** What was refused in this process; loopback-check.ts fails the test file when it is not empty. @type {string[]} */
export const refusedConnections = [];

const LOOPBACK_NAMES = new Set(['localhost', 'localhost.', 'ip6-localhost', 'ip6-loopback']);

/** @param {string} host */
export function isLoopbackHost(host) {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (LOOPBACK_NAMES.has(bare.toLowerCase())) return true;
  const family = isIP(bare);
  if (family === 4) return bare.startsWith('127.');
  if (family === 6) return bare === '::1' || /^::ffff:127\./i.test(bare) || /^0*:0*:0*:0*:0*:0*:0*:0*1$/.test(bare);
  return false;
}

/**
 * The target of Socket#connect's argument forms: (options), (port, host), (path), or the normalized [options, cb] array.
 * @param {unknown[]} args @returns {{ host?: string, port?: number | string, path?: string } | null}
 */
function targetOf(args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (typeof first === 'object' && first !== null) return first;
  if (typeof first === 'string' && !/^\d+$/.test(first)) return { path: first };
  if (typeof first === 'number' || typeof first === 'string') return { port: first, host: typeof args[1] === 'string' ? args[1] : 'localhost' };
  return null;
}

// Each test file installs its own wrapper over the one original (jest evaluates setup files once
// per file, and the prototype is shared by the whole worker), so what it refuses is counted here.
const ORIGINAL = Symbol.for('parcelwatch.loopbackGuard.original');
const proto = net.Socket.prototype;
const connect = (proto[ORIGINAL] ??= proto.connect);
proto.connect = function guardedConnect(...args) {
  const target = targetOf(args);
  if (target !== null && target.path === undefined) {
    const host = target.host ?? 'localhost';
    if (!isLoopbackHost(host)) {
      const what = `${host}:${String(target.port ?? '')}`;
      refusedConnections.push(what);
      const error = new Error(`loopback guard: a test tried to connect to ${what}; tests may only reach 127.0.0.1/::1 (set the provider URL to the sandbox or a local peer)`);
      process.stderr.write(`\n${error.message}\n${error.stack ?? ''}\n`);
      throw error;
    }
  }
  return connect.apply(this, args);
};
