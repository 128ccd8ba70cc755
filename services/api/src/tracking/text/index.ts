import { notificationLanguageOf, type NotificationLanguage } from '@parcelwatch/contracts';
import { de } from './page-text.de.js';
import { en } from './page-text.en.js';
import { es } from './page-text.es.js';
import { fr } from './page-text.fr.js';
import { it } from './page-text.it.js';
import type { PageText } from './page-text.types.js';

export * from './page-text.types.js';

/** One per language the notifier writes in (NOTIFICATION_LANGUAGES). */
export const PAGE_TEXTS: Readonly<Record<NotificationLanguage, PageText>> = { en, es, de, fr, it };

/** The first of the candidates in a language the page speaks (the full tag kept for dates), else English. */
export function pageLocale(...candidates: (string | null | undefined)[]): { locale: string; text: PageText } {
  for (const candidate of candidates) {
    const language = notificationLanguageOf(candidate);
    if (language !== null) return { locale: candidate!, text: PAGE_TEXTS[language] };
  }
  return { locale: 'en', text: en };
}
