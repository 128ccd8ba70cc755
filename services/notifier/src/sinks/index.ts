export { startSmtpSink, type ReceivedMail, type SmtpSink, type SmtpSinkOptions } from './smtp.sink.js';
export { startSmsSink, type ReceivedSms, type SmsSink } from './sms.sink.js';
export { startMarketplaceSink, type MarketplaceCredentials, type MarketplaceSink, type ReceivedBuyerMessage } from './marketplace.sink.js';
