import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/*
 * A real SMTP server on loopback that answers every phase (connection, MAIL FROM, RCPT TO, end
 * of DATA) after a delay, as a congested relay does, and counts the DATA it accepts per
 * Message-ID: what reaches the buyer, counted where it arrives.
 */
export interface SlowSmtpServer {
  url: string;
  /** Accepted DATA commands per Message-ID header (a message sent twice counts 2). */
  deliveries(): ReadonlyMap<string, number>;
  close(): Promise<void>;
}

const MESSAGE_ID = /^message-id:\s*(<[^>\r\n]+>)/im;

export async function startSlowSmtpServer(options: { phaseDelayMs: number }): Promise<SlowSmtpServer> {
  const counts = new Map<string, number>();
  const later = (callback: () => void) => setTimeout(callback, options.phaseDelayMs);
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    closeTimeout: 500,
    onConnect: (_session, callback) => later(() => callback()),
    onMailFrom: (_address, _session, callback) => later(() => callback()),
    onRcptTo: (_address, _session, callback) => later(() => callback()),
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () =>
        later(() => {
          const id = MESSAGE_ID.exec(Buffer.concat(chunks).toString('utf8'))?.[1] ?? 'no-message-id';
          counts.set(id, (counts.get(id) ?? 0) + 1);
          callback();
        }),
      );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    deliveries: () => new Map(counts),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
