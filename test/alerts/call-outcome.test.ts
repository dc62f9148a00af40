/**
 * Recording a call names the relative and how it went (5.1.7: who was called, with what result):
 * `POST /api/alerts/:id/actions` takes a contact of the alert's retiree and an outcome, keeps both
 * in the step, and refuses a relative of someone else without recording anything.
 */
import { describe, expect, it } from 'vitest';
import type { Alert, AlertStep, Retiree } from '../../server/schemas/index.ts';
import { pressSos, read } from '../helpers/hub.ts';
import { suiteHub } from '../helpers/suite.ts';

describe('recording a call to the family', () => {
  const t = suiteHub();

  async function sosOf(name: string, contacts: { name: string; relation: string; phone: string }[]) {
    const retiree = await t.addRetiree({ name, contacts });
    const alert = await pressSos(t, retiree, `${name}-sos-1`);
    return { retiree, alert };
  }
  const steps = (alert: Alert) => read<AlertStep[]>(t, `/api/alerts/${alert.id}/steps`);
  const calls = async (alert: Alert) =>
    (await steps(alert)).filter((step) => step.action.startsWith('called_'));

  it('keeps the relative called and the outcome in the step', async () => {
    const { retiree, alert } = await sosOf('周建国', [
      { name: '周晓明', relation: '儿子', phone: '13900000001' },
      { name: '周晓红', relation: '女儿', phone: '13900000002' },
    ]);
    const son = retiree.contacts.find((contact) => contact.name === '周晓明') as Retiree['contacts'][0];

    const first = await t.api<Alert>('POST', `/api/alerts/${alert.id}/actions`, {
      action: 'called_family',
      contactId: son.id,
      outcome: 'no_answer',
      note: '响铃一分钟',
    });
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('in_progress');
    const daughter = retiree.contacts.find((contact) => contact.name === '周晓红') as Retiree['contacts'][0];
    const second = await t.api('POST', `/api/alerts/${alert.id}/actions`, {
      action: 'called_family',
      contactId: daughter.id,
      outcome: 'coming',
    });
    expect(second.status).toBe(200);
    const retireeCall = await t.api('POST', `/api/alerts/${alert.id}/actions`, {
      action: 'called_retiree',
      outcome: 'answered',
    });
    expect(retireeCall.status).toBe(200);

    const recorded = await calls(alert);
    expect(recorded.map((step) => step.detail)).toStrictEqual([
      {
        contact: { id: son.id, name: '周晓明', relation: '儿子', phone: '13900000001' },
        outcome: 'no_answer',
        note: '响铃一分钟',
      },
      {
        contact: { id: daughter.id, name: '周晓红', relation: '女儿', phone: '13900000002' },
        outcome: 'coming',
      },
      { outcome: 'answered' },
    ]);
  });

  it("refuses another retiree's relative, a contact on the wrong action and an unknown outcome, recording nothing", async () => {
    const { alert } = await sosOf('吴国庆', [{ name: '吴小军', relation: '儿子', phone: '13900000003' }]);
    const other = await t.addRetiree({
      name: '郑和平',
      contacts: [{ name: '郑小兰', relation: '女儿', phone: '13900000004' }],
    });
    const stranger = other.contacts[0]?.id as string;
    const before = await steps(alert);

    for (const body of [
      { action: 'called_family', contactId: stranger, outcome: 'answered' },
      { action: 'called_family', contactId: 'not-a-contact' },
      { action: 'called_retiree', contactId: stranger },
      { action: 'sent_staff', outcome: 'answered' },
      { action: 'called_family', outcome: 'maybe' },
    ]) {
      const answer = await t.api<{ error: string; message: string }>(
        'POST',
        `/api/alerts/${alert.id}/actions`,
        body,
      );
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error).toBe('bad_request');
    }
    expect(await steps(alert)).toStrictEqual(before);
    const current = await read<Alert>(t, `/api/alerts/${alert.id}`);
    expect(current.status).toBe('open');
  });

  it('still records a call without a relative or outcome as before', async () => {
    const { alert } = await sosOf('王立新', [{ name: '王小波', relation: '儿子', phone: '13900000005' }]);
    const answer = await t.api('POST', `/api/alerts/${alert.id}/actions`, { action: 'called_family' });
    expect(answer.status).toBe(200);
    expect((await calls(alert)).map((step) => step.detail)).toStrictEqual([{}]);
  });
});
