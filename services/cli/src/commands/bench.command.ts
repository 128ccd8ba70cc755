import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/*
 * `parcelwatch bench [name]`: the benchmarks are bench/run.ts (`npm run bench -- <name>`); this
 * runs exactly that from the repository root, passing the name through (none: all of them).
 */
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export function benchCommand(name: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'bench', ...(name === undefined ? [] : ['--', name])], { cwd: REPO_ROOT, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}
