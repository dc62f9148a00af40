import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { rescueCard } from '../../server/rescue/card.ts';
import { handoverHistory } from '../../server/rescue/handover.ts';
import type { RescueCard, RetireeRecord } from '../../server/schemas/index.ts';
import { created, read } from '../helpers/hub.ts';
import { pdfTools } from '../helpers/pdf.ts';
import { suiteHub } from '../helpers/suite.ts';

const { pdftotext, font } = pdfTools('the rescue card suite');

describe('ages on the card', () => {
  const born = { birthDate: '1940-03-01', contacts: [] } as unknown as RetireeRecord;
  const ageAt = (iso: string) => rescueCard(born, { name: '', phone: '' }, new Date(iso)).age;

  it("counts whole years, the birthday itself included, by the centre's calendar", () => {
    expect(ageAt('2026-02-28T12:00:00Z')).toBe(85);
    // 16:30 UTC on 28 February is half past midnight on 1 March in Beijing: the birthday.
    expect(ageAt('2026-02-28T16:30:00Z')).toBe(86);
    expect(ageAt('2026-03-01T00:00:00Z')).toBe(86);
  });
});

describe('Emergency Rescue Card (6.5.2.6)', () => {
  const t = suiteHub({
    HUB_CENTRE_NAME: '成都市第一军休服务管理中心',
    HUB_CENTRE_PHONE: '028-12345678',
  });
  let retireeId: string;
  beforeAll(async () => {
    const retiree = await t.addRetiree({
      name: '黄德明',
      address: '成都市青羊区光华村街10号2栋',
      bloodType: 'AB',
      medicalHistory: '冠心病，2019年支架术后；青霉素过敏',
      contacts: [
        { name: '黄小红', relation: '女儿', phone: '13811112222' },
        { name: '黄建', relation: '儿子', phone: '13933334444', priority: 2 },
      ],
    });
    retireeId = retiree.id;
  });

  it('carries name, address, blood type, history, centre and relatives in calling order', async () => {
    const card = await read<RescueCard>(t, `/api/retirees/${retireeId}/rescue-card`);
    expect(card).toMatchObject({
      name: '黄德明',
      address: '成都市青羊区光华村街10号2栋',
      bloodType: 'AB',
      medicalHistory: '冠心病，2019年支架术后；青霉素过敏',
      centre: { name: '成都市第一军休服务管理中心', phone: '028-12345678' },
    });
    expect(card.contacts.map((contact) => [contact.name, contact.phone])).toStrictEqual([
      ['黄小红', '13811112222'],
      ['黄建', '13933334444'],
    ]);
    expect(
      (await t.api('GET', '/api/retirees/00000000-0000-4000-8000-000000000000/rescue-card')).status,
    ).toBe(404);
  });

  it('carries the allergies and the medication taken now from the health record, for a hand-over to 120', async () => {
    const item = (body: Record<string, unknown>) =>
      created<{ id: string }>(t, `/api/medical/records/${retireeId}/items`, body);
    await item({ kind: 'allergy', name: '青霉素', detail: '皮疹、呼吸困难' });
    await item({ kind: 'medication', name: '阿司匹林', detail: '100mg 每日一次' });
    const stopped = await item({ kind: 'medication', name: '华法林', detail: '已停用' });
    await item({ kind: 'condition', name: '高血压' });
    const ended = await t.api('PATCH', `/api/medical/records/${retireeId}/items/${stopped.id}`, {
      endedOn: '2025-01-01',
    });
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);

    const card = await read<RescueCard>(t, `/api/retirees/${retireeId}/rescue-card`);
    expect(card.allergies).toStrictEqual(['青霉素（皮疹、呼吸困难）']);
    expect(card.medications).toStrictEqual(['阿司匹林（100mg 每日一次）']);
    expect(handoverHistory(card)).toBe(
      '冠心病，2019年支架术后；青霉素过敏；过敏：青霉素（皮疹、呼吸困难）；用药：阿司匹林（100mg 每日一次）',
    );
  });

  it.skipIf(!pdftotext || !font)('prints as a PDF whose text is the card', async () => {
    const response = await fetch(`${t.url}/api/retirees/${retireeId}/rescue-card.pdf`, {
      headers: { authorization: `Bearer ${t.token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await response.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const file = path.join(t.dataDir.path, 'card.pdf');
    await writeFile(file, pdf);
    const text = execFileSync(pdftotext as string, ['-enc', 'UTF-8', file, '-']).toString();
    for (const expected of [
      '应急救助卡',
      '黄德明',
      'AB',
      '青霉素过敏',
      '成都市第一军休服务管理中心',
      '13811112222',
      '13933334444',
      '阿司匹林',
    ]) {
      expect(text).toContain(expected);
    }
  });
});
