import { describe, expect, it } from '@jest/globals';
import { refusedRange } from './address-class.js';
import { parseOutboundAllow } from './outbound-allow.js';
import { checkOutboundUrl } from './outbound-url.js';

const none = parseOutboundAllow('').entries;
const refusedUrl = (url: string, allow = none) => {
  const check = checkOutboundUrl(url, allow);
  return check.ok ? null : check.reason;
};

describe('address classes', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['224.0.0.251', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.10', 'reserved'],
    ['198.51.100.10', 'reserved'],
    ['203.0.113.10', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['fe80::1', 'linkLocal'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['::ffff:127.0.0.1', 'ipv4Mapped of loopback'],
    ['::ffff:169.254.169.254', 'ipv4Mapped of linkLocal'],
    ['::ffff:10.0.0.1', 'ipv4Mapped of private'],
    ['::ffff:0:127.0.0.1', 'rfc6145 of loopback'],
    ['64:ff9b::127.0.0.1', 'rfc6052 of loopback'],
    ['64:ff9b::169.254.169.254', 'rfc6052 of linkLocal'],
    ['64:ff9b:1::1', 'rfc6052 local-use'],
    ['::7f00:1', 'reserved'],
    ['::a00:1', 'reserved'],
    ['2002:7f00:1::1', '6to4'],
    ['2001::1', 'teredo'],
  ])('refuses %s (%s)', (address, range) => {
    expect(refusedRange(address)).toBe(range);
  });

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700::6810:84e5', '::ffff:93.184.215.14', '64:ff9b::8.8.8.8'])('lets public unicast %s through', (address) => {
    expect(refusedRange(address)).toBeNull();
  });
});

describe('URL checks before DNS', () => {
  it.each([
    'http://127.0.0.1/',
    'http://2130706433/',
    'http://0x7f000001/',
    'http://0x7F.0.0.1/',
    'http://0177.0.0.1/',
    'http://127.1/',
    'http://127.0.0.1./',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:7f00:1]/',
    'http://[::1]/',
    'http://[0:0:0:0:0:0:0:1]/',
    'http://[::]/',
    'http://0.0.0.0/',
    'http://0/',
    'http://169.254.169.254/latest/meta-data/',
    'http://[fd00::1]/',
    'http://[fe80::1%25eth0]/',
    'http://[64:ff9b::7f00:1]/',
    'http://10.0.0.1:8080/',
    'http://100.100.100.200/',
    'http://localhost/',
    'http://LOCALHOST./',
    'http://api.localhost:3000/',
  ])('refuses %s', (url) => {
    expect(refusedUrl(url)).toMatch(/^address not allowed|^not a URL/);
  });

  it('refuses other schemes, credentials and non-URLs', () => {
    expect(refusedUrl('ftp://example.com/')).toBe('only http and https URLs are sent to');
    expect(refusedUrl('file:///etc/passwd')).toBe('only http and https URLs are sent to');
    expect(refusedUrl('gopher://example.com/')).toBe('only http and https URLs are sent to');
    expect(refusedUrl('https://user:pw@example.com/')).toBe('credentials in the URL are not accepted');
    expect(refusedUrl('https://user@example.com/')).toBe('credentials in the URL are not accepted');
    expect(refusedUrl('not a url')).toBe('not a URL');
  });

  it('accepts public names and addresses; a name waits for its addresses at send time', () => {
    const check = checkOutboundUrl('https://hooks.example.com./in?x=1', none);
    expect(check.ok && check.checked.target).toEqual({ host: 'hooks.example.com', port: 443 });
    expect(check.ok && check.checked.literal).toBeNull();
    expect(refusedUrl('http://93.184.215.14:8080/hook')).toBeNull();
  });

  it('lets an allowed receiver through, by block or by exact host and port only', () => {
    const allow = parseOutboundAllow('127.0.0.1:4001, [::1]:4002, 10.20.0.0/16, localhost:4003').entries;
    expect(refusedUrl('http://127.0.0.1:4001/', allow)).toBeNull();
    expect(refusedUrl('http://2130706433:4001/', allow)).toBeNull();
    expect(refusedUrl('http://127.0.0.1:4009/', allow)).toMatch(/loopback/);
    expect(refusedUrl('http://[::1]:4002/', allow)).toBeNull();
    expect(refusedUrl('http://[::1]:4001/', allow)).toMatch(/loopback/);
    expect(refusedUrl('http://10.20.3.4/', allow)).toBeNull();
    expect(refusedUrl('http://10.21.3.4/', allow)).toMatch(/private/);
    expect(refusedUrl('http://localhost:4003/', allow)).toBeNull();
    expect(refusedUrl('http://localhost:4009/', allow)).toMatch(/loopback/);
  });

  it('names each bad allow-list entry', () => {
    expect(parseOutboundAllow('10.0.0.0/33, nope, host:99999, [example]:80, 127.0.0.1:80').errors).toEqual([
      '10.0.0.0/33 is not an address block',
      'nope is not a block, an address or host:port',
      'host:99999 is not a block, an address or host:port',
      '[example]:80 is not a block, an address or host:port',
    ]);
  });
});
