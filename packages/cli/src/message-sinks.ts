import path from 'node:path';
import type { Logger } from '@parcelwatch/logger';
import { createEmailSender, createSmsSender, startSmsSink, startSmtpSink, type ChannelSender } from '@parcelwatch/notifier';

/**
 * Without SMTP_URL / SMS_API_URL the one-process stack sends buyer messages to local sinks on
 * loopback: mail is kept as .eml files under `<outboxDir>/mail`, so a demo shows what buyers
 * would get with no external service. With the variables set, messages go to the real providers.
 */
export interface MessageSinks {
  senders: ChannelSender[];
  describe(): Record<string, string>;
  close(): Promise<void>;
}

const SINK_SMS = { accountSid: 'ACparcelwatchlocal', authToken: 'local-sink-token' };

export async function openMessageSinks(outboxDir: string, env: NodeJS.ProcessEnv, logger: Logger): Promise<MessageSinks> {
  const closers: (() => Promise<void>)[] = [];
  const where: Record<string, string> = {};
  const senders: ChannelSender[] = [];
  let smtpUrl = env['SMTP_URL'];
  if (smtpUrl === undefined) {
    const mailDir = path.resolve(outboxDir, 'mail');
    const sink = await startSmtpSink({ emlDirectory: mailDir });
    closers.push(() => sink.close());
    smtpUrl = sink.url;
    where['email'] = `local SMTP sink ${sink.url}, mail kept in ${mailDir}`;
  } else {
    where['email'] = 'SMTP_URL';
  }
  senders.push(createEmailSender({ smtpUrl, defaultFrom: env['SMTP_FROM'] ?? 'notifications@parcelwatch.local' }));
  if (env['SMS_API_URL'] === undefined) {
    const sink = await startSmsSink(SINK_SMS);
    closers.push(() => sink.close());
    senders.push(createSmsSender({ baseUrl: sink.url, ...SINK_SMS, from: '+15550000000' }));
    where['sms'] = `local SMS sink ${sink.url}`;
  } else {
    senders.push(createSmsSender({ baseUrl: env['SMS_API_URL'], accountSid: env['SMS_ACCOUNT_SID'] ?? '', authToken: env['SMS_AUTH_TOKEN'] ?? '', from: env['SMS_FROM'] ?? '' }));
    where['sms'] = 'SMS_API_URL';
  }
  logger.info({ channels: where }, 'buyer message channels');
  return {
    senders,
    describe: () => where,
    async close() {
      for (const sender of senders) await sender.close?.();
      for (const close of closers) await close();
    },
  };
}
