import { randomBytes } from 'node:crypto';
import { closeServer, listenLoopback, sendJson } from './http-sink.helpers.js';

/*
 * A Twilio-style SMS API on loopback: POST /2010-04-01/Accounts/{sid}/Messages.json with form
 * fields To, From, Body and HTTP Basic auth (sid:token); answers 201 with a `sid`. For tests, e2e
 * and the embedded mode. `failWith(503)` answers every request with that status instead.
 */
export interface ReceivedSms {
  sid: string;
  to: string;
  from: string;
  body: string;
}

export interface SmsSink {
  url: string;
  received(): ReceivedSms[];
  /** Requests refused (bad auth, missing fields) or failed on purpose. */
  rejected(): number;
  failWith(status: number | null): void;
  close(): Promise<void>;
}

export async function startSmsSink(credentials: { accountSid: string; authToken: string }, options: { host?: string; port?: number } = {}): Promise<SmsSink> {
  const messages: ReceivedSms[] = [];
  let rejected = 0;
  let failure: number | null = null;
  const expectedAuth = `Basic ${Buffer.from(`${credentials.accountSid}:${credentials.authToken}`).toString('base64')}`;
  const path = `/2010-04-01/Accounts/${credentials.accountSid}/Messages.json`;
  const { server, url } = await listenLoopback(
    (request, body, response) => {
      if (request.method !== 'POST' || request.url !== path) {
        rejected += 1;
        return sendJson(response, 404, { code: 20404, message: 'The requested resource was not found', status: 404 });
      }
      if (request.headers.authorization !== expectedAuth) {
        rejected += 1;
        return sendJson(response, 401, { code: 20003, message: 'Authenticate', status: 401 });
      }
      if (failure !== null) {
        rejected += 1;
        return sendJson(response, failure, { code: failure === 429 ? 20429 : 20500, message: 'Service unavailable', status: failure });
      }
      const form = new URLSearchParams(body);
      const to = form.get('To');
      const from = form.get('From');
      const text = form.get('Body');
      if (!to || !from || !text) {
        rejected += 1;
        return sendJson(response, 400, { code: 21604, message: 'A To, From and Body are required', status: 400 });
      }
      if (!/^\+[1-9]\d{6,14}$/.test(to)) {
        rejected += 1;
        return sendJson(response, 400, { code: 21211, message: `The 'To' number ${to} is not a valid phone number.`, status: 400 });
      }
      const sid = `SM${randomBytes(16).toString('hex')}`;
      messages.push({ sid, to, from, body: text });
      return sendJson(response, 201, { sid, status: 'queued', to, from, body: text, account_sid: credentials.accountSid });
    },
    options,
  );
  return {
    url,
    received: () => [...messages],
    rejected: () => rejected,
    failWith(status) {
      failure = status;
    },
    close: () => closeServer(server),
  };
}
