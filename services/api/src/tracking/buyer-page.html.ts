import { NOTIFICATION_LANGUAGES } from '@parcelwatch/contracts';
import { PROGRESS_STEPS, type BuyerPageView } from './buyer-page.view.js';
import { PAGE_TEXTS, type PageText } from './text/index.js';
import type { Branding } from './buyer-page.view.js';

/*
 * The buyer page's HTML: server-rendered, no script, one inline style block allowed by a
 * per-response nonce (the merchant's colours), images only from this origin or data URLs. Every
 * text that came from outside (carrier texts, merchant name, order numbers) is escaped.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (value: string): string => value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#f4f5f7}
header{background:var(--primary);color:var(--on-primary);padding:1rem}
header .brand{display:flex;align-items:center;gap:.75rem;max-width:40rem;margin:0 auto}
header img{max-height:40px;max-width:120px}
header p{margin:0;font-weight:600}
main{max-width:40rem;margin:0 auto;padding:1rem}
section{background:#fff;border-radius:8px;padding:1rem;margin:0 0 1rem}
h1{font-size:1.5rem;margin:0 0 .25rem}
h2{font-size:1.125rem;margin:0 0 .5rem}
dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem .75rem;margin:.5rem 0}
dt{color:#4a4a4a}dd{margin:0;overflow-wrap:anywhere}
a{color:var(--accent)}
ol.progress{display:flex;list-style:none;padding:0;margin:1rem 0 0;gap:4px}
ol.progress li{flex:1;font-size:.8125rem;text-align:center;padding-top:.5rem;border-top:6px solid #c4c8cf;color:#4a4a4a}
ol.progress li.done{border-color:var(--primary);color:#1a1a1a}
ol.progress li.current{font-weight:700}
.notice{border-left:4px solid #b45309;padding-left:.75rem}
ol.timeline{list-style:none;padding:0;margin:0}
ol.timeline li{border-left:2px solid #c4c8cf;padding:0 0 1rem 1rem;position:relative}
ol.timeline time{display:block;font-size:.875rem;color:#4a4a4a}
.said{display:block}.means{display:block;font-size:.875rem;color:#3d3d3d}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
select,textarea,input{width:100%;font:inherit;padding:.5rem;border:1px solid #6b7280;border-radius:4px}
button{margin-top:1rem;font:inherit;font-weight:600;padding:.625rem 1rem;border:0;border-radius:4px;background:var(--accent);color:#fff;width:100%}
.ok{background:#e7f6ec;border-left:4px solid #15803d;padding:.75rem}
.err{background:#fdecea;border-left:4px solid #b91c1c;padding:.75rem}
nav.languages ul{display:flex;flex-wrap:wrap;gap:.75rem;list-style:none;padding:0;margin:0}
footer{max-width:40rem;margin:0 auto;padding:0 1rem 2rem;font-size:.875rem;color:#3d3d3d}
`;

function frame(input: { lang: string; title: string; nonce: string; branding: Branding; brandName: string | null; body: string; languages: string; footer: string }): string {
  const vars = `:root{--primary:${input.branding.primary};--on-primary:${input.branding.onPrimary};--accent:${input.branding.accent}}`;
  const logo = input.branding.logoUrl === null || input.brandName === null ? '' : `<img src="${esc(input.branding.logoUrl)}" alt="${esc(input.brandName)}">`;
  return `<!doctype html>
<html lang="${esc(input.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${esc(input.title)}</title>
<style nonce="${input.nonce}">${vars}${STYLE}</style>
</head>
<body>
<header><div class="brand">${logo}<p>${esc(input.brandName ?? '')}</p></div></header>
<main>
${input.body}
</main>
<footer>${input.languages}${input.footer}</footer>
</body>
</html>`;
}

function languageNav(text: PageText, current: string, href: (lang: string) => string): string {
  const items = NOTIFICATION_LANGUAGES.map((lang) => {
    const name = PAGE_TEXTS[lang].languageName;
    return lang === current ? `<li><span aria-current="true" lang="${lang}">${esc(name)}</span></li>` : `<li><a href="${esc(href(lang))}" lang="${lang}" hreflang="${lang}">${esc(name)}</a></li>`;
  }).join('');
  return `<nav class="languages" aria-label="${esc(text.languageLabel)}"><ul>${items}</ul></nav>`;
}

export type ContactState = 'form' | 'sent' | 'too_many' | 'invalid';

export function renderBuyerPage(view: BuyerPageView, options: { nonce: string; formNonce: string; token: string; contact: ContactState }): string {
  const t = view.text;
  const language = t.language;
  const steps = PROGRESS_STEPS.map((step, i) => {
    const state = i < view.stepReached ? 'done' : i === view.stepReached ? 'done current' : '';
    return `<li class="${state}"${i === view.stepReached ? ' aria-current="step"' : ''}>${esc(t.steps[step])}</li>`;
  }).join('');
  const carrier = view.carrier.url === null ? esc(view.carrier.name) : `<a href="${esc(view.carrier.url)}" rel="noopener noreferrer" target="_blank">${esc(t.trackAtCarrier(view.carrier.name))}</a>`;
  const delivery = view.delivered !== null
    ? `<p>${esc(view.delivered)}</p>`
    : view.estimate === null
      ? `<p>${esc(t.noEstimate)}</p>`
      : `<p><strong>${esc(view.estimate.text)}</strong><br><small>${esc(view.estimate.source)}</small></p>`;
  const customs = view.customs.length === 0 ? '' : `<section aria-labelledby="customs"><h2 id="customs">${esc(t.customsTitle)}</h2>${view.customs.map((c) => `<p class="notice">${esc(c)}</p>`).join('')}</section>`;
  const problem = view.problems.length === 0
    ? ''
    : `<section aria-labelledby="problem"><h2 id="problem">${esc(t.problemTitle)}</h2>${view.problems.map((p) => `<p class="notice">${esc(p)}</p>`).join('')}<h3>${esc(t.remedyTitle)}</h3>${view.remedies.map((r) => `<p>${esc(r)}</p>`).join('')}</section>`;
  const remediesAlone = view.problems.length === 0 && view.remedies.length > 0 ? `<section aria-labelledby="remedy"><h2 id="remedy">${esc(t.remedyTitle)}</h2>${view.remedies.map((r) => `<p>${esc(r)}</p>`).join('')}</section>` : '';
  const timeline = view.timeline.length === 0
    ? `<p>${esc(t.timelineEmpty)}</p>`
    : `<ol class="timeline">${view.timeline
        .map((line) => `<li><time datetime="${esc(line.iso)}">${esc(line.when)}${line.location === null ? '' : ` · ${esc(line.location)}`}</time><span class="said"><span class="visually">${esc(t.carrierSaid)}: </span>“${esc(line.carrierText)}”</span><span class="means">${esc(t.meaning)}: ${esc(line.meaning)}</span></li>`)
        .join('')}</ol>`;
  const action = `/t/${encodeURIComponent(options.token)}/contact?lang=${language}`;
  const contact = options.contact === 'sent'
    ? `<p class="ok" role="status">${esc(t.sent)}</p>`
    : `${options.contact === 'too_many' ? `<p class="err" role="alert">${esc(t.tooMany)}</p>` : options.contact === 'invalid' ? `<p class="err" role="alert">${esc(t.formInvalid)}</p>` : ''}
<form method="post" action="${esc(action)}">
<input type="hidden" name="nonce" value="${esc(options.formNonce)}">
<label for="category">${esc(t.category)}</label>
<select id="category" name="category" required>${Object.entries(t.categories).map(([value, label]) => `<option value="${value}">${esc(label)}</option>`).join('')}</select>
<label for="message">${esc(t.message)}</label>
<textarea id="message" name="message" rows="4" maxlength="2000" required></textarea>
<label for="reply">${esc(t.replyEmail)}</label>
<input id="reply" name="replyEmail" type="email" autocomplete="email" maxlength="254">
<button type="submit">${esc(t.send)}</button>
</form>`;
  const body = `<section aria-labelledby="status">
<h1 id="status">${esc(view.statusText)}</h1>
<dl><dt>${esc(t.order)}</dt><dd>${esc(view.orderRef)}</dd><dt>${esc(t.trackingNumber)}</dt><dd>${esc(view.trackingNumber)}</dd><dt>${esc(t.carrier)}</dt><dd>${carrier}</dd></dl>
<ol class="progress" aria-label="${esc(t.progressLabel)}">${steps}</ol>
</section>
<section aria-labelledby="delivery"><h2 id="delivery">${esc(t.expectedDelivery)}</h2>${delivery}</section>
${customs}${problem}${remediesAlone}
<section aria-labelledby="timeline"><h2 id="timeline">${esc(t.timeline)}</h2><p><small>${esc(t.localTimeNote(view.zone))}</small></p>${timeline}</section>
<section aria-labelledby="contact" id="contact-seller"><h2 id="contact">${esc(t.contactTitle)}</h2>${contact}</section>`;
  return frame({
    lang: view.locale,
    title: `${t.title} · ${view.merchantName}`,
    nonce: options.nonce,
    branding: view.branding,
    brandName: view.merchantName,
    body,
    languages: languageNav(t, language, (lang) => `/t/${encodeURIComponent(options.token)}?lang=${lang}`),
    footer: view.supportEmail === null ? '' : `<p>${esc(t.support(''))}<a href="mailto:${esc(view.supportEmail)}">${esc(view.supportEmail)}</a></p>`,
  });
}

const PLAIN: Branding = { logoUrl: null, primary: '#1f4e79', onPrimary: '#ffffff', accent: '#1f4e79' };

/** `chosenLanguage`: set when the buyer picked one; the parcel's page then opens in it too (else in the buyer's own). */
export function renderLookupPage(text: PageText, locale: string, options: { nonce: string; failed: boolean; orderNumber?: string; chosenLanguage?: string | null }): string {
  const body = `<section aria-labelledby="lookup"><h1 id="lookup">${esc(text.lookupTitle)}</h1><p>${esc(text.lookupIntro)}</p>
${options.failed ? `<p class="err" role="alert">${esc(text.lookupFailed)}</p>` : ''}
<form method="post" action="/t/lookup${options.chosenLanguage ? `?lang=${esc(options.chosenLanguage)}` : ''}">
<label for="order">${esc(text.orderNumber)}</label>
<input id="order" name="order" required maxlength="128" autocomplete="off" value="${esc(options.orderNumber ?? '')}">
<label for="factor">${esc(text.emailOrPostcode)}</label>
<input id="factor" name="factor" required maxlength="254">
<button type="submit">${esc(text.find)}</button>
</form></section>`;
  return frame({ lang: locale, title: text.lookupTitle, nonce: options.nonce, branding: PLAIN, brandName: null, body, languages: languageNav(text, text.language, (lang) => `/t?lang=${lang}`), footer: '' });
}

export function renderNotFoundPage(text: PageText, locale: string, nonce: string): string {
  const body = `<section aria-labelledby="nf"><h1 id="nf">${esc(text.notFoundTitle)}</h1><p>${esc(text.notFoundText)}</p><p><a href="/t?lang=${text.language}">${esc(text.lookupTitle)}</a></p></section>`;
  return frame({ lang: locale, title: text.notFoundTitle, nonce, branding: PLAIN, brandName: null, body, languages: '', footer: '' });
}
