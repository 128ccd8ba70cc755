import { z } from 'zod';

/*
 * A merchant's look on the buyer's tracking page (merchants.settings.branding). The page makes no
 * request to any other origin, so the logo is kept with the merchant as a data URL (PNG, JPEG,
 * WebP or GIF, at most 96 KiB of text) rather than linked from the merchant's site.
 */

const colour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour as #rrggbb');
export const LOGO_MAX_CHARS = 96 * 1024;
const logoUrl = z
  .string()
  .max(LOGO_MAX_CHARS, `must be at most ${LOGO_MAX_CHARS} characters`)
  .regex(/^data:image\/(png|jpeg|webp|gif);base64,[A-Za-z0-9+/]+={0,2}$/, 'must be a data URL of a PNG, JPEG, WebP or GIF image (data:image/png;base64,...): the page loads nothing from other sites');

export const merchantBrandingSchema = z.strictObject({
  logoUrl: logoUrl.nullable().optional(),
  /** Header and progress colour; text on it is black or white, whichever reads better. */
  primaryColor: colour.nullable().optional(),
  /** Links and buttons. */
  accentColor: colour.nullable().optional(),
});
export type MerchantBranding = z.output<typeof merchantBrandingSchema>;

/** The branding stored in a merchant's settings; an unreadable one is no branding. */
export function brandingOf(settings: Record<string, unknown>): MerchantBranding {
  const parsed = merchantBrandingSchema.safeParse(settings['branding'] ?? {});
  return parsed.success ? parsed.data : {};
}
