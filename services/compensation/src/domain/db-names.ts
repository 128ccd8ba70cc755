import { currencyCodeSchema, type CompensationAction, type CurrencyCode } from '@parcelwatch/contracts';
import type { Compensation } from '@parcelwatch/db';
import type { ApprovalLevel } from './decision.js';

/**
 * The contract and the table (2026-11-23T0802) name two things differently; the contract's
 * names are the public ones and this is the one place that translates:
 * - action `store_coupon` is stored as `coupon`; `gift` is never a main action (the table
 *   refuses it), only an add-on, and add-ons are stored in the contract's names;
 * - approval `automatic` is stored as `auto`.
 */
export type DbAction = Compensation['action'];
export type DbApprovalLevel = Compensation['approval_level'];

export function actionToDb(action: CompensationAction): DbAction {
  if (action === 'store_coupon') return 'coupon';
  if (action === 'gift') throw new Error('a gift is an add-on, never the main compensation action');
  return action;
}

export function actionFromDb(action: DbAction): CompensationAction {
  return action === 'coupon' ? 'store_coupon' : action;
}

export function approvalToDb(level: ApprovalLevel): DbApprovalLevel {
  return level === 'automatic' ? 'auto' : level;
}

export function approvalFromDb(level: DbApprovalLevel): ApprovalLevel {
  return level === 'auto' ? 'automatic' : level;
}

/** A char(3) column back to the contract's currency code; an unknown code is a data error. */
export function currencyFromDb(code: string): CurrencyCode {
  return currencyCodeSchema.parse(code.trim());
}
