import { aftership } from './aftership.provider.js';
import { dhl } from './dhl.provider.js';
import { fedex } from './fedex.provider.js';
import type { ProviderDefinition } from './provider.types.js';
import { seventeenTrack } from './seventeen-track.provider.js';
import { tiktokShop } from './tiktok-shop.provider.js';
import { ups } from './ups.provider.js';
import { usps } from './usps.provider.js';

export const SANDBOX_PROVIDERS: readonly ProviderDefinition[] = [seventeenTrack, aftership, usps, ups, fedex, dhl, tiktokShop];
