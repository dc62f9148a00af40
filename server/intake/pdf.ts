/**
 * The three-party transfer agreement (“三方”移交安置协议书, 6.1.2.4) as a printable A4 PDF: the parties,
 * the retiree, placement and pension level, the medical-cost responsibility until the social-security card
 * is issued (6.1.2.6), the other terms, and the signature block. Printed with the CJK font the rescue card
 * uses (server/rescue/pdf.ts `findCardFont`).
 */
import PDFDocument from 'pdfkit';
import { CENTRE_TIME_ZONE, chineseDate } from '../calendar.ts';
import type { CardFont } from '../rescue/pdf.ts';
import type { IntakeCase } from '../schemas/intake.ts';
import { PARTY_NAMES } from './rules.ts';

const MM = 72 / 25.4;

export function renderAgreementPdf(intake: IntakeCase, font: CardFont, printedAt: Date): Promise<Buffer> {
  const agreement = intake.agreement;
  if (!agreement) throw new Error('no agreement recorded');
  const margin = 20 * MM;
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: margin, bottom: margin, left: margin, right: margin },
    info: {
      Title: `“三方”移交安置协议书 ${intake.retireeName}`,
      Subject: 'DB51/T 2839-2021 6.1.2.4, 6.1.2.6',
      Creator: 'Junxiu Hub',
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('cjk', font.path, font.family);
  doc.font('cjk');
  const width = doc.page.width - 2 * margin;

  doc
    .fillColor('#111111')
    .fontSize(20)
    .text('军休干部（士官）“三方”移交安置协议书', { width, align: 'center' });
  doc.moveDown(1.2);

  const side = agreement.retireeSide === 'guardian' ? '丙方（移交对象监护人）' : '丙方（移交对象）';
  const parties: [string, string][] = [
    ['甲方（军休机构）', agreement.centreName],
    ['乙方（部队移交单位）', agreement.unitName],
    [side, agreement.retireeSideName],
  ];
  doc.fontSize(12);
  for (const [label, name] of parties) doc.text(`${label}：${name}`, { width });
  doc.moveDown(0.8);

  doc.text(
    `根据军休干部（士官）接收安置计划和政策规定，经甲、乙、丙三方协商，就${intake.retireeName}同志的移交安置事宜达成如下协议：`,
    { width, lineGap: 4 },
  );
  doc.moveDown(0.5);

  const terms = [
    `移交对象：${intake.retireeName}，接收日期：${chineseDate(intake.receivedOn)}。`,
    `安置去向：${agreement.placement || intake.placement || '（待定）'}。`,
    `个人离休退休费标准：${agreement.pensionLevel || intake.pensionLevel || '（待核准）'}。`,
    `医疗保障责任：${agreement.medicalTerm}`,
    ...agreement.otherTerms,
  ];
  terms.forEach((term, index) => {
    doc.text(`${index + 1}. ${term}`, { width, lineGap: 4 });
    doc.moveDown(0.3);
  });
  doc.moveDown(0.5);
  doc.text('本协议一式三份，三方各执一份，自三方签字之日起生效。', { width });
  doc.moveDown(2);

  // Signature block: one line per party, with the names recorded when signed.
  const byParty = (party: string) =>
    agreement.signatories
      .filter((s) => s.party === party)
      .map((s) => (s.title ? `${s.name}（${s.title}）` : s.name))
      .join('、');
  const signers: [string, string][] = [
    ['甲方（盖章）', byParty('centre')],
    ['乙方（盖章）', byParty('unit')],
    [`丙方（${PARTY_NAMES[agreement.retireeSide]}签字）`, byParty(agreement.retireeSide)],
  ];
  for (const [label, names] of signers) {
    doc.text(`${label}：${names || '________________'}`, { width });
    doc.moveDown(0.8);
  }
  doc.text(`签订日期：${agreement.signedOn ? chineseDate(agreement.signedOn) : '____年__月__日'}`, { width });

  doc
    .fontSize(8)
    .fillColor('#888888')
    .text(
      `依据 DB51/T 2839-2021 第6.1.2.4、6.1.2.6条　打印于 ${printedAt.toLocaleString('zh-CN', { timeZone: CENTRE_TIME_ZONE, hour12: false })}`,
      margin,
      doc.page.height - margin - 12,
      { width, align: 'center', lineBreak: false },
    );
  doc.end();
  return done;
}
