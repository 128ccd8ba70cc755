import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type ApiKeyProvider = '17track' | 'aftership' | 'dhl';
export type OAuthProvider = 'usps' | 'ups' | 'fedex';

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
}

export interface TikTokApp {
  appKey: string;
  appSecret: string;
  /** Seller access tokens accepted for this app (any non-empty token when absent). */
  accessTokens?: string[];
  /** Shop ciphers of the shops that authorized this app (any non-empty cipher when absent). */
  shopCiphers?: string[];
}

/**
 * Who may call the sandbox. A provider left out accepts any non-empty key or client
 * credentials (handy for the demo); list some to exercise the providers' auth errors.
 */
export interface SandboxCredentials {
  apiKeys?: Partial<Record<ApiKeyProvider, string[]>>;
  oauthClients?: Partial<Record<OAuthProvider, OAuthClient[]>>;
  tiktokApps?: TikTokApp[];
}

export const DEFAULT_TIKTOK_APP: TikTokApp = { appKey: 'sandbox-app-key', appSecret: 'sandbox-app-secret' };

export function apiKeyAccepted(credentials: SandboxCredentials, provider: ApiKeyProvider, key: string | undefined): boolean {
  if (!key) return false;
  const allowed = credentials.apiKeys?.[provider];
  return allowed === undefined || allowed.includes(key);
}

export function oauthClientAccepted(credentials: SandboxCredentials, provider: OAuthProvider, client: OAuthClient): boolean {
  if (!client.clientId || !client.clientSecret) return false;
  const allowed = credentials.oauthClients?.[provider];
  return allowed === undefined || allowed.some((c) => c.clientId === client.clientId && c.clientSecret === client.clientSecret);
}

export function tiktokApp(credentials: SandboxCredentials, appKey: string | undefined): TikTokApp | undefined {
  const apps = credentials.tiktokApps ?? [DEFAULT_TIKTOK_APP];
  return apps.find((app) => app.appKey === appKey);
}

interface IssuedToken {
  provider: OAuthProvider;
  clientId: string;
  expiresAt: number;
}

/** Bearer tokens of the OAuth providers, expiring in real time. */
export class TokenIssuer {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(
    public ttlSeconds: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  issue(provider: OAuthProvider, clientId: string): { token: string; expiresIn: number; issuedAt: number } {
    const token = `${provider}-${randomBytes(18).toString('base64url')}`;
    const issuedAt = this.now();
    this.tokens.set(token, { provider, clientId, expiresAt: issuedAt + this.ttlSeconds * 1000 });
    return { token, expiresIn: this.ttlSeconds, issuedAt };
  }

  /** Revokes every token (all providers): the next call with an old token gets a 401. */
  revokeAll(): void {
    this.tokens.clear();
  }

  /** The client id behind a valid token, or null (unknown, expired or another provider's). */
  verify(provider: OAuthProvider, authorization: string | undefined): string | null {
    const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
    const issued = match ? this.tokens.get(match[1]!) : undefined;
    if (!issued || issued.provider !== provider || issued.expiresAt <= this.now()) return null;
    return issued.clientId;
  }
}

/** TikTok Shop request signature (sign-your-api-request, 202309), written apart from the client's. */
export function tiktokSign(appSecret: string, path: string, query: Record<string, string>, body: string): string {
  const params = Object.keys(query)
    .filter((key) => key !== 'sign' && key !== 'access_token')
    .sort()
    .map((key) => `${key}${query[key]}`)
    .join('');
  const wrapped = `${appSecret}${path}${params}${body}${appSecret}`;
  return createHmac('sha256', appSecret).update(wrapped).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
