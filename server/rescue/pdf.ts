/**
 * The rescue card as a printable PDF (A6, to keep by the door or in a wallet), in the CJK font of
 * ../print/font.ts.
 */
import { CENTRE_TIME_ZONE } from '../calendar.ts';
import type { RetireeLocation } from '../location/schemas.ts';
import { MM, printedAtText, startDocument } from '../print/document.ts';
import type { CardFont } from '../print/font.ts';
import type { RescueCard } from '../schemas/rescue.ts';

export { type CardFont, findCardFont } from '../print/font.ts';

const GENDER = { male: '男', female: '女' } as const;
const SOURCE = { gps: 'GPS', wifi: 'Wi-Fi', cell: '基站' } as const;

/** The latest fix as the card prints it: when, from what, whether valid, and the watch's WGS-84. */
export function locationText(location: RetireeLocation): string {
  const at = new Date(location.fixedAt).toLocaleString('zh-CN', {
    timeZone: CENTRE_TIME_ZONE,
    hour12: false,
  });
  const validity = location.valid ? '有效' : '无效，最后已知位置';
  return `${at}　${SOURCE[location.source]}（${validity}）　WGS-84 ${location.lat.toFixed(6)}, ${location.lon.toFixed(6)}`;
}

/**
 * The card; with `location`, the retiree's latest fix too, printed when an alert is open so that
 * whoever goes out (or 120) knows where the watch last was.
 */
export function renderCardPdf(
  card: RescueCard,
  font: CardFont,
  printedAt: Date,
  location: RetireeLocation | null = null,
): Promise<Buffer> {
  const { doc, done } = startDocument({
    size: 'A6',
    marginMm: 8,
    title: `应急救助卡 ${card.name}`,
    subject: 'DB51/T 2839-2021 6.5.2.6',
    font,
  });
  const width = doc.page.width - 16 * MM;

  doc.rect(0, 0, doc.page.width, 16 * MM).fill('#c62828');
  doc
    .fillColor('#ffffff')
    .fontSize(16)
    .text('应急救助卡', 8 * MM, 4.5 * MM, { width, align: 'left' });
  doc.fontSize(8).text('EMERGENCY RESCUE CARD', 8 * MM, 5.5 * MM, { width, align: 'right' });
  doc
    .fillColor('#111111')
    .moveDown(0)
    .text('', 8 * MM, 20 * MM);

  const row = (label: string, value: string) => {
    doc.fontSize(8).fillColor('#666666').text(label, { continued: false });
    doc
      .fontSize(11)
      .fillColor('#111111')
      .text(value || '—', { width });
    doc.moveDown(0.3);
  };
  row('姓名 / 性别 / 年龄', `${card.name}　${GENDER[card.gender]}　${card.age} 岁`);
  row('住址', card.address);
  row('血型', card.bloodType);
  row('病史', card.medicalHistory);
  if (card.allergies.length) row('过敏', card.allergies.join('、'));
  if (card.medications.length) row('目前用药', card.medications.join('、'));
  row('所属军休机构', [card.centre.name, card.centre.phone].filter(Boolean).join('　'));
  if (location) row('最新定位（手表）', locationText(location));
  doc.fontSize(8).fillColor('#666666').text('亲属联系电话');
  for (const contact of card.contacts) {
    doc
      .fontSize(11)
      .fillColor('#111111')
      .text(`${contact.priority}. ${contact.name}（${contact.relation}）　${contact.phone}`, { width });
  }
  if (card.contacts.length === 0) doc.fontSize(11).text('—');
  doc
    .fontSize(7)
    .fillColor('#888888')
    .text(`${printedAtText(printedAt)}　急救请拨 120`, 8 * MM, doc.page.height - 12 * MM, {
      width,
      align: 'center',
      lineBreak: false,
    });
  doc.end();
  return done;
}
