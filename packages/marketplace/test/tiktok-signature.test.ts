import { describe, expect, it } from '@jest/globals';
import { signTikTokRequest } from '../src/index.js';

describe('signTikTokRequest', () => {
  it('matches the official test vector', () => {
    const sign = signTikTokRequest({ appSecret: 'e59af819cc', path: '/authorization/202309/shops', query: { app_key: '29a39d', timestamp: '1623812664' } });
    expect(sign).toBe('b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8');
  });

  it('leaves sign and access_token out and signs the body', () => {
    const base = { appSecret: 's', path: '/p', query: { b: '2', a: '1' } };
    expect(signTikTokRequest({ ...base, query: { ...base.query, sign: 'x', access_token: 'y' } })).toBe(signTikTokRequest(base));
    expect(signTikTokRequest({ ...base, body: '{"k":1}' })).not.toBe(signTikTokRequest(base));
  });
});
