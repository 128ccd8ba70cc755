import { describe, expect, it } from '@jest/globals';
import { redactAddresses } from '../src/channels/address-redaction.js';

/* Provider error texts as relays and SMS APIs word them, with the buyer's address in them. */
describe('redactAddresses', () => {
  it.each([
    ['550 5.1.1 <jane@example.com>: Recipient address rejected: User unknown in virtual mailbox table', '550 5.1.1 <[address]>: Recipient address rejected: User unknown in virtual mailbox table'],
    [
      "Can't send mail - all recipients were rejected: 550 5.1.1 <jane.doe+orders@mail.example.co.uk>: Recipient address rejected",
      "Can't send mail - all recipients were rejected: 550 5.1.1 <[address]>: Recipient address rejected",
    ],
    ['550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient jane.doe@contoso.com not found by SMTP address lookup', '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient [address] not found by SMTP address lookup'],
    ["554 delivery error: dd This user doesn't have a yahoo.com account (jane_1990@yahoo.com) [0] - mta1234.mail.gq1.yahoo.com", "554 delivery error: dd This user doesn't have a yahoo.com account ([address]) [0] - mta1234.mail.gq1.yahoo.com"],
    ['452 4.2.2 The email account that you tried to reach is over quota: JANE@EXAMPLE.DE', '452 4.2.2 The email account that you tried to reach is over quota: [address]'],
    ["The 'To' number +15005550001 is not a valid phone number.", "The 'To' number [number] is not a valid phone number."],
    ['Attempt to send to unsubscribed recipient +1 (310) 555-0100', 'Attempt to send to unsubscribed recipient [number]'],
    ['SMS to 0049 151 2345 6789 failed', 'SMS to [number] failed'],
  ])('%s', (text, redacted) => {
    expect(redactAddresses(text)).toBe(redacted);
  });

  it('keeps reply codes, enhanced status codes, relay ids, hosts, IPs and dates an operator needs', () => {
    const texts = [
      '550-5.1.1 The email account that you tried to reach does not exist. 550 5.1.1 https://support.google.com/mail/?p=NoSuchUser a1-20020a170906b00100b0077b7c9e1a32si1234567ejc.123 - gsmtp',
      '550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302). [BN1NAM02FT016.eop-nam02.prod.protection.outlook.com]',
      '421 4.7.0 [TSS04] Messages from 192.0.2.10 temporarily deferred due to unexpected volume',
      'SMTP ETIMEDOUT: Greeting never received',
      'SMS 429: rate limited until 2026-11-23 12:00:00',
    ];
    for (const text of texts) expect(redactAddresses(text)).toBe(text);
  });
});
