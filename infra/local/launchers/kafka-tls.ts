// Throwaway TLS material for a test broker's SASL_SSL listener: a CA, a broker certificate for
// 127.0.0.1/localhost signed by it (PEM), and the broker's PKCS12 keystore. Made with openssl at
// test time into the run's directory, valid for two days, never committed.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface KafkaTlsMaterial {
  /** The CA certificate (PEM): what a client trusts. */
  caFile: string;
  /** The broker's keystore (PKCS12: key, certificate, CA chain). */
  keystoreFile: string;
  keystorePassword: string;
}

export async function createKafkaTlsMaterial(dir: string): Promise<KafkaTlsMaterial> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = (name: string) => path.join(dir, name);
  const openssl = (args: string[]) => run('openssl', args, { cwd: dir, timeout: 60_000 });
  const keystorePassword = randomBytes(12).toString('hex');

  await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=parcelwatch test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout', file('ca.key'), '-out', file('ca.pem')]);
  await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', file('broker.key'), '-out', file('broker.csr')]);
  writeFileSync(file('broker.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  await openssl(['x509', '-req', '-in', file('broker.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial',
    '-days', '2', '-extfile', file('broker.ext'), '-out', file('broker.pem')]);
  await openssl(['pkcs12', '-export', '-in', file('broker.pem'), '-inkey', file('broker.key'), '-certfile', file('ca.pem'),
    '-name', 'broker', '-out', file('broker.p12'), '-passout', `pass:${keystorePassword}`]);
  return { caFile: file('ca.pem'), keystoreFile: file('broker.p12'), keystorePassword };
}
