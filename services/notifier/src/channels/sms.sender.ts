import { isE164, normalizePhone } from '@parcelwatch/contracts';
import { SendError, type ChannelSender } from './channel-sender.js';

export interface SmsSenderOptions {
  /** The provider's API base, e.g. https://api.twilio.com or the local sink. */
  baseUrl: string;
  accountSid: string;
  authToken: string;
  /** The sender number or alphanumeric sender id. */
  from: string;
  timeoutMs?: number;
}

/**
 * SMS through a Twilio-style API: POST {base}/2010-04-01/Accounts/{sid}/Messages.json with
 * form-encoded To, From, Body and HTTP Basic auth; the answer's `sid` is the provider message id.
 * 429 and 5xx (and no answer) are retriable; other 4xx (bad number, auth) are not.
 */
export function createSmsSender(options: SmsSenderOptions): ChannelSender {
  const url = `${options.baseUrl.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`;
  const auth = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
  return {
    channel: 'sms',
    worstCaseSendMs: options.timeoutMs ?? 10_000,
    async send(message) {
      if (message.to === null) throw new SendError('no phone number', 'no_address', false);
      // Numbers registered before intake normalized them may still carry spaces or dashes.
      const to = normalizePhone(message.to);
      if (!isE164(to)) throw new SendError('the phone number has no country code (E.164 +<country><number> needed)', 'phone_not_e164', false);
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ To: to, From: options.from, Body: message.body }).toString(),
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
      } catch (err) {
        throw new SendError(`SMS provider unreachable: ${(err as Error).message}`, 'unreachable', true, { cause: err });
      }
      const text = await response.text();
      let answer: { sid?: unknown; code?: unknown; message?: unknown } = {};
      try {
        answer = JSON.parse(text) as typeof answer;
      } catch {
        // Not JSON (a proxy's error page): the status decides.
      }
      if (response.ok && typeof answer.sid === 'string') return { providerMessageId: answer.sid };
      const retriable = response.status === 429 || response.status >= 500;
      const code = answer.code === undefined ? `http_${response.status}` : `sms_${String(answer.code)}`;
      throw new SendError(`SMS provider answered HTTP ${response.status}${typeof answer.message === 'string' ? `: ${answer.message}` : ''}`, code, retriable);
    },
  };
}
