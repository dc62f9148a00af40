/** Preferential cards held (6.3.2.3 优待证, 乘车证): issued, expiring, returned. Dates in centre time. */

import { randomUUID } from 'node:crypto';
import { badRequest, conflict, notFound } from '../errors.ts';
import { uuidOr404 } from '../ids.ts';
import type { BenefitCard, CardInput, CardQuery, CardReturn } from '../schemas/benefits.ts';
import { checkDate, notAfterToday, retireeOr404 } from '../store/checks.ts';
import { Filter } from '../store/filter.ts';
import { RecordKeeper } from '../store/keeper.ts';
import { created, insertRow, isUniqueViolation, type Selected } from '../store/rows.ts';
import { type Scope, WHOLE_CENTRE } from '../store/scope.ts';
import { CARD_NAMES } from './service.ts';

type CardRow = Selected<Omit<BenefitCard, 'kindName' | 'state'>>;

const selectCard = `select c.id, c.retiree_id as "retireeId", r.name as "retireeName", c.kind, c.number,
    c.issued_on::text as "issuedOn", c.expires_on::text as "expiresOn", c.returned_on::text as "returnedOn",
    c.return_reason as "returnReason", c.created_at as "createdAt"
  from benefit_cards c join retirees r on r.id = c.retiree_id`;

export class BenefitCards extends RecordKeeper {
  private toCard(row: CardRow): BenefitCard {
    const today = this.today();
    const state = row.returnedOn ? 'returned' : row.expiresOn && row.expiresOn < today ? 'expired' : 'held';
    return created({ ...row, kindName: CARD_NAMES[row.kind], state });
  }

  async list(query: CardQuery, scope: Scope = WHOLE_CENTRE, limit = 1000): Promise<BenefitCard[]> {
    const filter = new Filter().inScope(scope, 'c.retiree_id').id('c.retiree_id', query.retireeId, 'retiree');
    const rows = await this.db.query<CardRow>(
      `${selectCard} where ${filter.sql} order by c.issued_on desc, c.id limit ${filter.param(limit)}`,
      filter.params,
    );
    return rows.map((row) => this.toCard(row));
  }

  async get(id: string): Promise<BenefitCard> {
    const [row] = await this.db.query<CardRow>(`${selectCard} where c.id = $1`, [uuidOr404(id, 'card')]);
    if (!row) throw notFound('card');
    return this.toCard(row);
  }

  async issue(input: CardInput, userId: string): Promise<BenefitCard> {
    const retiree = await retireeOr404(this.db, input.retireeId);
    if (retiree.status === 'deceased')
      throw conflict(`${retiree.name}已故，不能办理${CARD_NAMES[input.kind]}`);
    const issuedOn = notAfterToday(input.issuedOn, 'issuedOn', this.today());
    if (input.expiresOn && checkDate(input.expiresOn, 'expiresOn') < issuedOn) {
      throw badRequest('expiresOn: 有效期不能早于发证日期');
    }
    const id = randomUUID();
    try {
      await insertRow(this.db, 'benefit_cards', {
        id,
        retiree_id: retiree.id,
        kind: input.kind,
        number: (input.number ?? '').trim(),
        issued_on: issuedOn,
        expires_on: input.expiresOn ?? null,
        created_by: userId,
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw conflict(`${retiree.name}已持有${CARD_NAMES[input.kind]}，请先登记交回`);
      throw error;
    }
    return this.get(id);
  }

  async return(id: string, input: CardReturn): Promise<BenefitCard> {
    const card = await this.get(id);
    if (card.returnedOn) throw conflict('该证件已交回');
    const returnedOn = notAfterToday(input.returnedOn ?? this.today(), 'returnedOn', this.today());
    if (returnedOn < card.issuedOn) throw badRequest('returnedOn: 不能早于发证日期');
    await this.db.query('update benefit_cards set returned_on = $2, return_reason = $3 where id = $1', [
      card.id,
      returnedOn,
      input.reason.trim(),
    ]);
    return this.get(id);
  }
}
