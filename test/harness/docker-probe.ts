// Is a Docker engine answering? Decided in well under 2 s so machines without Docker go
// straight to the local launchers instead of waiting on testcontainers' own discovery.
import { existsSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

type Target = { socketPath: string } | { host: string; port: number };

function candidates(env: NodeJS.ProcessEnv): Target[] {
  const dockerHost = env['DOCKER_HOST'];
  if (dockerHost) {
    if (dockerHost.startsWith('unix://')) return [{ socketPath: dockerHost.slice('unix://'.length) }];
    if (dockerHost.startsWith('tcp://')) {
      const url = new URL(dockerHost.replace(/^tcp:/, 'http:'));
      return [{ host: url.hostname, port: Number(url.port || 2375) }];
    }
    return [];
  }
  const sockets = ['/var/run/docker.sock', path.join(os.homedir(), '.docker/run/docker.sock')];
  if (env['XDG_RUNTIME_DIR']) sockets.push(path.join(env['XDG_RUNTIME_DIR'], 'docker.sock'));
  return sockets.filter((s) => existsSync(s)).map((socketPath) => ({ socketPath }));
}

function ping(target: Target, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.request({ ...target, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

export async function dockerAvailable(env: NodeJS.ProcessEnv = process.env, timeoutMs = 1_500): Promise<boolean> {
  if (env['PW_TEST_NO_DOCKER'] === '1') return false;
  const results = await Promise.all(candidates(env).map((t) => ping(t, timeoutMs)));
  return results.some(Boolean);
}
