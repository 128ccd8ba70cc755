import { createHash, createHmac, randomUUID } from 'node:crypto';
import { aftershipTracking } from '../providers/aftership.format.js';
import { trackInfoItem } from '../providers/seventeen-track.format.js';
import type { SandboxContext, Subscription } from '../sandbox.context.js';

export interface WebhookTargets {
  /** 17TRACK signs with the account's security key: the registering key unless `key` is set. */
  '17track'?: { url: string; key?: string };
  aftership?: { url: string; secret: string };
}

export interface WebhookDelivery {
  provider: Subscription['provider'];
  trackingNumber: string;
  url: string;
  status: number | null;
  error?: string;
}

export interface WebhookDispatcher {
  configure(targets: WebhookTargets): void;
  targets(): WebhookTargets;
  /**
   * Pushes every subscribed tracking that has checkpoints its last successful push did not
   * carry. A failed push is tried again on the next flush, like the providers' retries.
   */
  flush(): Promise<WebhookDelivery[]>;
  deliveries(): readonly WebhookDelivery[];
}

export function createWebhookDispatcher(ctx: SandboxContext, initial: WebhookTargets = {}, fetchImpl: typeof fetch = fetch): WebhookDispatcher {
  let targets: WebhookTargets = { ...initial };
  const log: WebhookDelivery[] = [];
  let flushing: Promise<WebhookDelivery[]> | null = null;

  function request(subscription: Subscription): { url: string; body: string; headers: Record<string, string> } | null {
    const journey = ctx.store.get(subscription.trackingNumber);
    if (!journey) return null;
    if (subscription.provider === '17track') {
      const target = targets['17track'];
      if (!target) return null;
      const events = ctx.checkpoints('17track', journey);
      const body = JSON.stringify({ event: 'TRACKING_UPDATED', data: trackInfoItem(journey.trackingNumber, journey, events, ctx.clock.now(), null) });
      const sign = createHash('sha256').update(`${body}/${target.key ?? subscription.apiKey}`).digest('hex');
      return { url: target.url, body, headers: { 'content-type': 'application/json', sign } };
    }
    const target = targets.aftership;
    if (!target) return null;
    const events = ctx.checkpoints('aftership', journey);
    const body = JSON.stringify({
      event: 'tracking_update',
      event_id: randomUUID(),
      is_tracking_first_tag: subscription.pushedEvents === 0,
      ts: Math.floor(ctx.clock.now().toSeconds()),
      msg: aftershipTracking(subscription, journey, events, ctx.clock.now()),
    });
    const signature = createHmac('sha256', target.secret).update(body).digest('base64');
    return {
      url: target.url,
      body,
      headers: { 'content-type': 'application/json', 'aftership-hmac-sha256': signature, 'as-webhook-version': '2025-01' },
    };
  }

  async function flushOnce(): Promise<WebhookDelivery[]> {
    const now = ctx.clock.now();
    const deliveries: WebhookDelivery[] = [];
    for (const subscription of ctx.subscriptions.values()) {
      const journey = ctx.store.get(subscription.trackingNumber);
      if (!journey) continue;
      const visible = ctx.store.visibleEvents(journey, now).length;
      if (visible <= subscription.pushedEvents) continue;
      const push = request(subscription);
      if (!push) continue;
      const delivery: WebhookDelivery = { provider: subscription.provider, trackingNumber: subscription.trackingNumber, url: push.url, status: null };
      try {
        const response = await fetchImpl(push.url, { method: 'POST', headers: push.headers, body: push.body, signal: AbortSignal.timeout(5_000) });
        delivery.status = response.status;
        await response.arrayBuffer();
        if (response.ok) subscription.pushedEvents = visible;
      } catch (err) {
        delivery.error = err instanceof Error ? err.message : String(err);
      }
      deliveries.push(delivery);
      log.push(delivery);
      if (log.length > 1_000) log.splice(0, log.length - 1_000);
    }
    return deliveries;
  }

  return {
    configure(next) {
      targets = { ...next };
    },
    targets: () => ({ ...targets }),
    flush() {
      // One flush at a time, so a timer and a test never push the same update twice.
      flushing ??= flushOnce().finally(() => {
        flushing = null;
      });
      return flushing;
    },
    deliveries: () => log,
  };
}
