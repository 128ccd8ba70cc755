import type { Kysely } from 'kysely';
import type { Database, WismoAnswersTable } from '../database.js';

export interface NewWismoAnswer {
  id: string;
  merchantId: string;
  apiKeyId: string;
  askedBy: WismoAnswersTable['asked_by'];
  outcome: WismoAnswersTable['outcome'];
  shipmentId: string | null;
  status: string | null;
  locale: string;
  answeredAt: Date;
}

/** Every WISMO answer, found or not; never the factors it was asked with. */
export async function insertWismoAnswer(db: Kysely<Database>, answer: NewWismoAnswer): Promise<void> {
  await db
    .insertInto('wismo_answers')
    .values({
      id: answer.id,
      merchant_id: answer.merchantId,
      api_key_id: answer.apiKeyId,
      asked_by: answer.askedBy,
      outcome: answer.outcome,
      shipment_id: answer.shipmentId,
      status: answer.status,
      locale: answer.locale,
      answered_at: answer.answeredAt,
    })
    .execute();
}
