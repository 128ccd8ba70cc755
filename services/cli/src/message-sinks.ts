import path from 'node:path';
import type { Env } from '@parcelwatch/config';
import type { Logger } from '@parcelwatch/logger';
import type { Clock } from '@parcelwatch/service-kit';
import { startSmsSink, startSmtpSink } from '@parcelwatch/notifier';

/**
 * Without SMTP_URL / SMS_API_URL the one-process stack sends buyer messages to local sinks on
 * loopback: mail is kept as .eml files under `<outboxDir>/mail`, so a demo shows what buyers
 * would get with no external service. The sinks are given to the notifier as its settings (`env`),
 * the way a deployment names its providers; with the variables set, messages go to the real ones.
 * The mail directory is also given to the api (MAIL_COPY_DIR): its retention job prunes the copies
 * (RETENTION_MAIL_COPIES_DAYS) and a buyer's erasure deletes theirs. Copies are stamped with the
 * pipeline clock, so they age as the pipeline does.
 */
export interface MessageSinks {
  /** The notifier settings that point at the sinks started here (none when providers are configured). */
  env: Env;
  describe(): Record<string, string>;
  close(): Promise<void>;
}

const SINK_SMS = { accountSid: 'ACparcelwatchlocal', authToken: 'local-sink-token' };

export async function openMessageSinks(outboxDir: string, env: Env, logger: Logger, clock: Clock): Promise<MessageSinks> {
  const closers: (() => Promise<void>)[] = [];
  const where: Record<string, string> = {};
  const settings: Env = {};
  if (env['SMTP_URL'] === undefined || env['SMTP_URL'].trim() === '') {
    const mailDir = path.resolve(outboxDir, 'mail');
    const sink = await startSmtpSink({ emlDirectory: mailDir, receivedAt: () => clock.now().toJSDate() });
    closers.push(() => sink.close());
    settings['SMTP_URL'] = sink.url;
    settings['MAIL_COPY_DIR'] = mailDir;
    where['email'] = `local SMTP sink ${sink.url}, mail kept in ${mailDir}`;
  } else {
    where['email'] = 'SMTP_URL';
  }
  if (env['SMS_API_URL'] === undefined || env['SMS_API_URL'].trim() === '') {
    const sink = await startSmsSink(SINK_SMS);
    closers.push(() => sink.close());
    Object.assign(settings, { SMS_API_URL: sink.url, SMS_ACCOUNT_SID: SINK_SMS.accountSid, SMS_AUTH_TOKEN: SINK_SMS.authToken, SMS_FROM: '+15550000000' });
    where['sms'] = `local SMS sink ${sink.url}`;
  } else {
    where['sms'] = 'SMS_API_URL';
  }
  logger.info({ channels: where }, 'buyer message channels');
  return {
    env: settings,
    describe: () => where,
    async close() {
      for (const close of closers) await close();
    },
  };
}
