import { describe, expect, it } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { createLogger } from './logger.js';

function capture() {
  const stream = new PassThrough();
  const lines: string[] = [];
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().trim().split('\n')));
  return { stream, lines };
}

describe('createLogger', () => {
  it('redacts buyer email, phone and address at any of the first levels', async () => {
    const { stream, lines } = capture();
    const log = createLogger({ name: 'test', destination: stream });
    log.info({ shipmentId: 's-1', email: 'a@b.example', contact: { phone: '+1555', address: '1 Main St' }, data: { buyer: { email: 'x@y.example' } } }, 'hello');
    await new Promise((resolve) => setImmediate(resolve));
    const line = lines.join('\n');
    expect(line).toContain('s-1');
    expect(line).not.toContain('a@b.example');
    expect(line).not.toContain('+1555');
    expect(line).not.toContain('1 Main St');
    expect(line).not.toContain('x@y.example');
    expect(JSON.parse(lines[0]!).contact.phone).toBe('[redacted]');
  });
});
