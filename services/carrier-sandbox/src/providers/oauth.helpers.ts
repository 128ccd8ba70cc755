import type { FastifyRequest } from 'fastify';
import { oauthClientAccepted, type OAuthClient, type OAuthProvider } from '../auth/credentials.js';
import type { SandboxContext } from '../sandbox.context.js';
import { header } from './provider.types.js';

/** Client credentials from HTTP Basic (UPS) or from the body (USPS, FedEx), JSON or form. */
export function clientCredentials(request: FastifyRequest): OAuthClient {
  const basic = /^Basic\s+(.+)$/i.exec(header(request, 'authorization') ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const split = decoded.indexOf(':');
    if (split > 0) return { clientId: decoded.slice(0, split), clientSecret: decoded.slice(split + 1) };
  }
  const body = (request.body ?? {}) as Record<string, unknown>;
  return {
    clientId: typeof body.client_id === 'string' ? body.client_id : '',
    clientSecret: typeof body.client_secret === 'string' ? body.client_secret : '',
  };
}

/**
 * Who calls an OAuth provider: on its token route, the client id in the request (error when
 * the pair is unknown); elsewhere, the client behind the bearer token (error when missing,
 * unknown or expired).
 */
export function identifyOAuthCaller(
  request: FastifyRequest,
  ctx: SandboxContext,
  provider: OAuthProvider,
  tokenPath: string,
): { key: string; kind: 'token' | 'bearer'; valid: boolean } {
  if (request.url.split('?')[0] === tokenPath) {
    const client = clientCredentials(request);
    const grant = ((request.body ?? {}) as Record<string, unknown>).grant_type;
    const valid = grant === 'client_credentials' && oauthClientAccepted(ctx.credentials, provider, client);
    return { key: client.clientId || 'anonymous', kind: 'token', valid };
  }
  const clientId = ctx.tokens.verify(provider, header(request, 'authorization'));
  return { key: clientId ?? 'anonymous', kind: 'bearer', valid: clientId !== null };
}
