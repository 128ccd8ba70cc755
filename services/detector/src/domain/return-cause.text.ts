import type { ReturnCause } from '@parcelwatch/contracts';

/*
 * What a carrier's description says about a return, for carriers whose codes are coarse
 * (FedEx "DE", DHL "failure") and for texts richer than their code. Checked in this order: the
 * carrier-at-fault phrasings first, because "refused by carrier" must not read as a buyer's
 * refusal, nor "damaged label" as a damaged parcel. English first (what the APIs send by
 * default), then the words the European locales' carriers use.
 */
const TEXT_RULES: ReadonlyArray<readonly [ReturnCause, RegExp]> = [
  ['carrier_error', /\b(rejected|refused|declined) by (the )?carrier\b|\bcarrier (error|refused|rejected)\b|(unable|cannot|could not) (to )?(be )?deliver(ed)? due to (a |an )?(carrier|operational)/i],
  ['label_unreadable', /\blabel (is |was )?(missing|damaged|unreadable|illegible|lost|detached|torn)|\b(missing|damaged|unreadable|illegible|lost|detached|torn) (shipping )?label|\bno (shipping )?label\b|lost and found/i],
  ['misrouted', /\bmis-?sent\b|\bmis-?sort|\bmis-?rout|\bmis-?shipped\b|\bwrong (facility|route|destination|hub)\b|\bincorrectly (routed|sorted)\b|\bsent to (the )?wrong\b|\bfehlgeleitet|\bmal encaminhad|\bmal dirigid/i],
  ['damaged', /\bdamage|\bbroken\b|\bcrushed\b|beschädigt|\bdañad|\bendommag|\bdanneggiat|\bavariad/i],
  ['lost', /\blost\b|\bverloren\b|\bperdid[oa]\b|\bperdu\b|\bsmarrit|\bextraviad/i],
  ['refused', /\brefus|\brejected by (the )?(recipient|receiver|consignee|addressee|customer|buyer)\b|\b(recipient|receiver|consignee|addressee|customer) (rejected|declined)\b|\bverweigert|\brechazad|\brifiutat|\brecusad/i],
  ['address_issue', /\baddress|\bno such (number|street)\b|\baddressee unknown\b|\bmoved\b|\bvacant\b|\bunknown (recipient|addressee)\b|\bdeceased\b|\badresse|\bdirecci[oó]n|\bindirizzo|\bendere[cç]o|\bdestinat[aá]rio desconhecido/i],
  ['unclaimed', /\bunclaimed\b|\bnot (been )?(collected|picked up|claimed)\b|\bpick ?up missed\b|\buncollected\b|nicht abgeholt|no reclamad|non ritirat|non réclamé|não reclamad|não procurad/i],
  ['customs', /\bcustoms\b|\bduties\b|\bduty\b|\bzoll|\baduana|\bdouane|\bdogana|\balf[aâ]ndega/i],
  ['sender_recall', /\brecall|\bat (the )?(sender|shipper)'?s? request\b|\brequested by (the )?(sender|shipper)\b|\bcancel/i],
];

/** The cause a checkpoint's description names, or null when it names none. */
export function returnCauseFromText(text: string): ReturnCause | null {
  for (const [cause, pattern] of TEXT_RULES) if (pattern.test(text)) return cause;
  return null;
}
