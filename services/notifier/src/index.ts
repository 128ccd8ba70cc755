export { createNotifierService, NOTIFIER_GROUP, type NotifierDeps, type NotifierService } from './app.js';
export { SendError, type ChannelSender, type OutgoingMessage, type SendResult } from './channels/channel-sender.js';
export { createEmailSender, type EmailSenderOptions } from './channels/email.sender.js';
export { createSmsSender, type SmsSenderOptions } from './channels/sms.sender.js';
export { createMarketplaceMessageSender, type MarketplaceMessageOptions } from './channels/marketplace-message.sender.js';
export type { DispatchRound } from './dispatch/notification-dispatcher.js';
export { notificationSettingsSchema, type NotificationSettings } from './domain/notification-settings.js';
export type { MerchantWebhookEvent, MerchantWebhooks } from './webhooks/merchant-webhook.port.js';
export * from './sinks/index.js';
