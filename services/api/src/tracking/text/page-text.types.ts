import type { Milestone, NotificationLanguage } from '@parcelwatch/contracts';
import type { BuyerContactCategory } from '@parcelwatch/db';

/** The progress bar's steps, in order. */
export const PROGRESS_STEPS = ['info_received', 'in_transit', 'out_for_delivery', 'delivered'] as const;
export type ProgressStep = (typeof PROGRESS_STEPS)[number];

export type ExceptionKind = 'not_picked_up' | 'stalled' | 'customs_hold' | 'delivery_overdue' | 'failed_delivery' | 'pickup_uncollected' | 'returning' | 'lost' | 'damaged' | 'late';
export type RemedyAction = 'store_coupon' | 'free_shipping_voucher' | 'partial_refund' | 'full_refund' | 'reship' | 'priority_reship' | 'gift';
export type CustomsNotice = 'customs_processing' | 'customs_hold' | 'customs_documents_required' | 'duties_unpaid' | 'held_for_payment';

/**
 * The buyer page's words in one language (the languages of the notifier's templates). Dates are
 * formatted by luxon in the buyer's locale and zone; these are the sentences around them.
 */
export interface PageText {
  language: NotificationLanguage;
  languageName: string;
  title: string;
  order: string;
  trackingNumber: string;
  carrier: string;
  trackAtCarrier: (carrier: string) => string;
  status: Record<Milestone, string>;
  steps: Record<ProgressStep, string>;
  progressLabel: string;
  expectedDelivery: string;
  between: (from: string, to: string) => string;
  estimateSource: { carrier: string; learned: string; promised: string };
  deliveredOn: (date: string) => string;
  noEstimate: string;
  timeline: string;
  timelineEmpty: string;
  carrierSaid: string;
  meaning: string;
  /** Normalized reasons worth their own words; others show the milestone. */
  reasons: Partial<Record<string, string>>;
  customsTitle: string;
  customs: Record<CustomsNotice, string>;
  problemTitle: string;
  exceptions: Record<ExceptionKind, string>;
  remedyTitle: string;
  remedy: (action: string, amount: string | null, done: boolean) => string;
  actions: Record<RemedyAction, string>;
  sellerLooking: string;
  contactTitle: string;
  category: string;
  categories: Record<BuyerContactCategory, string>;
  message: string;
  replyEmail: string;
  send: string;
  sent: string;
  tooMany: string;
  formInvalid: string;
  lookupTitle: string;
  lookupIntro: string;
  orderNumber: string;
  emailOrPostcode: string;
  find: string;
  lookupFailed: string;
  notFoundTitle: string;
  notFoundText: string;
  /** The WISMO answer's frame: "Your order X: <status>. …", the link, and the one answer for no match. */
  answerIntro: (order: string) => string;
  answerFollow: string;
  answerNotFound: string;
  languageLabel: string;
  support: (email: string) => string;
  localTimeNote: (zone: string) => string;
}
