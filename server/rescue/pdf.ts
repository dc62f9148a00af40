/**
 * The rescue card as a printable PDF (A6, to keep by the door or in a wallet). Chinese text needs a
 * CJK font: HUB_CARD_FONT names one, else the usual places of Debian's fonts-noto-cjk and
 * fonts-wqy-zenhei are tried.
 */
import fs from 'node:fs';
import PDFDocument from 'pdfkit';
import type { RescueCard } from '../schemas/rescue.ts';

export interface CardFont {
  path: string;
  /** The face within a font collection (.ttc), e.g. `NotoSansCJKsc-Regular`. */
  family?: string;
}

const candidates: CardFont[] = [
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', family: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', family: 'WenQuanYiZenHei' },
  { path: '/usr/share/fonts/truetype/arphic/uming.ttc', family: 'AR PL UMing CN' },
];

/** The font to print with, or null when none is installed. */
export function findCardFont(configured: string | undefined): CardFont | null {
  if (configured) {
    const [path, family] = configured.split('#');
    return path && fs.existsSync(path) ? { path, ...(family ? { family } : {}) } : null;
  }
  return candidates.find((candidate) => fs.existsSync(candidate.path)) ?? null;
}

const MM = 72 / 25.4;
const GENDER = { male: '男', female: '女' } as const;

export function renderCardPdf(card: RescueCard, font: CardFont, printedAt: Date): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A6',
    margins: { top: 8 * MM, bottom: 8 * MM, left: 8 * MM, right: 8 * MM },
    info: { Title: `应急救助卡 ${card.name}`, Subject: 'DB51/T 2839-2021 6.5.2.6', Creator: 'Junxiu Hub' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('card', font.path, font.family);
  doc.font('card');
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
  row('所属军休机构', [card.centre.name, card.centre.phone].filter(Boolean).join('　'));
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
    .text(
      `打印于 ${printedAt.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false })}　急救请拨 120`,
      8 * MM,
      doc.page.height - 12 * MM,
      { width, align: 'center', lineBreak: false },
    );
  doc.end();
  return done;
}
