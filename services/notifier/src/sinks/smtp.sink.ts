import { mkdir, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/*
 * A real SMTP server on loopback that keeps what it receives: for tests, the e2e suites and the
 * embedded `parcelwatch start` (where it stands in for the mail relay, optionally writing .eml
 * files to look at: mail copies, which the api's retention job prunes and a buyer's erasure
 * deletes, finding a notification's copy by its Message-ID `<notification id>@notifier.parcelwatch`). `failWith(451)` makes it refuse mail as a struggling relay would.
 */
export interface ReceivedMail {
  messageId: string | null;
  from: string | null;
  to: string[];
  subject: string;
  text: string;
  headers: Record<string, string>;
  raw: Buffer;
}

export interface SmtpSink {
  url: string;
  port: number;
  received(): ReceivedMail[];
  /**
   * An SMTP reply code to refuse every message with (4xx temporary, 5xx permanent), and
   * optionally the reply's text as a relay words it; null accepts again.
   */
  failWith(code: number | null, text?: string): void;
  close(): Promise<void>;
}

export interface SmtpSinkOptions {
  host?: string;
  port?: number;
  /** Where to keep each mail as `<received>-<n>-<message id>.eml` (a mail copy; its age is in its name). */
  emlDirectory?: string;
  /** When a mail counts as received (default the system time): the pipeline clock, so copies age with the pipeline. */
  receivedAt?: () => Date;
}

/** `20261123T120000Z`: the receipt time a mail copy's name starts with; retention reads it back. */
export function mailCopyStamp(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const mails: ReceivedMail[] = [];
  let failure: { code: number; text: string | undefined } | null = null;
  if (options.emlDirectory !== undefined) await mkdir(options.emlDirectory, { recursive: true });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    // A sender's pooled connection would otherwise hold close() for 30 s.
    closeTimeout: 500,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (failure !== null) {
          const err = Object.assign(new Error(failure.text ?? (failure.code >= 500 ? 'mailbox unavailable' : 'try again later')), { responseCode: failure.code });
          callback(err);
          return;
        }
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then(async (parsed) => {
            const to = (Array.isArray(parsed.to) ? parsed.to : parsed.to === undefined ? [] : [parsed.to]).flatMap((a) => a.value.map((v) => v.address ?? ''));
            const headers: Record<string, string> = {};
            for (const line of parsed.headerLines) headers[line.key] = line.line.slice(line.line.indexOf(':') + 1).trim();
            const mail: ReceivedMail = { messageId: parsed.messageId ?? null, from: parsed.from?.value[0]?.address ?? null, to, subject: parsed.subject ?? '', text: parsed.text ?? '', headers, raw };
            mails.push(mail);
            if (options.emlDirectory !== undefined) {
              const received = mailCopyStamp(options.receivedAt?.() ?? new Date());
              const name = `${received}-${String(mails.length).padStart(5, '0')}-${(mail.messageId ?? 'no-id').replace(/[^A-Za-z0-9.@-]/g, '')}.eml`;
              await writeFile(path.join(options.emlDirectory, name), raw);
            }
            callback();
          })
          .catch((err: Error) => callback(err));
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    received: () => [...mails],
    failWith(code, text) {
      failure = code === null ? null : { code, text };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
