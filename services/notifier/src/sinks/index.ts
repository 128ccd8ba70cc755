export { startSmtpSink, type ReceivedMail, type SmtpSink } from './smtp.sink.js';
export { startSmsSink, type ReceivedSms, type SmsSink } from './sms.sink.js';
export { startMarketplaceSink, type MarketplaceCredentials, type MarketplaceSink, type ReceivedBuyerMessage } from './marketplace.sink.js';
