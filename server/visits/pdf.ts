/**
 * The visit record form (走访慰问记录表, 6.8.2.5) as an A4 PDF: filled from a recorded visit for the
 * file, or blank with the retiree's name for the visitor to fill in by hand and enter afterwards.
 * The seven fields of 6.8.2.5 each have a box; problems raised are listed with owner and due date.
 */
import { chineseDate } from '../calendar.ts';
import { MM, printedAtText, startDocument } from '../print/document.ts';
import type { CardFont } from '../print/font.ts';
import type { VisitReason, VisitRecord } from '../schemas/visits.ts';
import { MODE_NAMES } from './rules.ts';

export const SEVEN_FIELDS: readonly [keyof VisitRecord & string, string][] = [
  ['thought', '思想状况'],
  ['health', '身体状况'],
  ['medicalCare', '医疗保障'],
  ['hobbies', '兴趣爱好'],
  ['socialActivity', '社会活动'],
  ['family', '家庭情况'],
  ['livingConditions', '生活条件'],
];

export const REASON_LABELS: Record<VisitReason, string> = {
  spring_festival: '春节走访慰问',
  army_day: '八一建军节走访慰问',
  national_day: '国庆节走访慰问',
  hospital: '住院探望',
  focus: '重点走访（孤老、长期卧床）',
  comfort: '事件后心理慰藉',
  other: '日常走访',
};

/** What the form prints; a blank form has the retiree's name and nothing else. */
export type VisitForm =
  | { kind: 'record'; record: VisitRecord }
  | { kind: 'blank'; retireeName: string; reason: VisitReason | null };

export function renderVisitFormPdf(
  form: VisitForm,
  centreName: string,
  font: CardFont,
  printedAt: Date,
): Promise<Buffer> {
  const record = form.kind === 'record' ? form.record : null;
  const retireeName = record ? record.retireeName : form.kind === 'blank' ? form.retireeName : '';
  const { doc, done, width } = startDocument({
    size: 'A4',
    marginMm: 18,
    title: `走访慰问记录表 ${retireeName}`,
    subject: 'DB51/T 2839-2021 6.8.2.5',
    font,
  });
  const left = doc.page.margins.left;

  doc.fillColor('#111111').fontSize(18).text('军休干部走访慰问记录表', { width, align: 'center' });
  doc.fontSize(10).fillColor('#555555').text(centreName, { width, align: 'center' });
  doc.moveDown(0.8);

  // The head of the form: who, when, how, why, by whom.
  const reason = record ? record.reason : form.kind === 'blank' ? form.reason : null;
  const head: [string, string][] = [
    ['被走访人', retireeName],
    ['走访日期', record ? chineseDate(record.visitedOn) : '　　　年　　月　　日'],
    ['走访方式', record ? MODE_NAMES[record.mode] : '□上门走访　□电话慰问　□视频慰问'],
    ['走访事由', reason ? REASON_LABELS[reason] : ''],
    ['走访人员', record ? record.visitors.join('、') : ''],
  ];
  const labelWidth = 24 * MM;
  const rowHeight = 8 * MM;
  let y = doc.y;
  doc.fontSize(11).fillColor('#111111');
  for (const [label, value] of head) {
    doc.rect(left, y, labelWidth, rowHeight).stroke('#444444');
    doc.rect(left + labelWidth, y, width - labelWidth, rowHeight).stroke('#444444');
    doc.text(label, left + 2 * MM, y + 2.2 * MM, { width: labelWidth - 4 * MM, lineBreak: false });
    doc.text(value, left + labelWidth + 2 * MM, y + 2.2 * MM, {
      width: width - labelWidth - 4 * MM,
      lineBreak: false,
      ellipsis: true,
    });
    y += rowHeight;
  }

  // The seven fields: a box each, tall enough to write in by hand on a blank form.
  for (const [field, label] of SEVEN_FIELDS) {
    const text = record ? String(record[field] ?? '') : '';
    const textHeight = text ? doc.heightOfString(text, { width: width - labelWidth - 4 * MM }) : 0;
    const height = Math.max(record ? 10 * MM : 19 * MM, textHeight + 4 * MM);
    if (y + height > doc.page.height - doc.page.margins.bottom - 30 * MM) {
      doc.addPage();
      y = doc.page.margins.top;
    }
    doc.rect(left, y, labelWidth, height).stroke('#444444');
    doc.rect(left + labelWidth, y, width - labelWidth, height).stroke('#444444');
    doc.text(label, left + 2 * MM, y + 2.2 * MM, { width: labelWidth - 4 * MM });
    if (text)
      doc.text(text, left + labelWidth + 2 * MM, y + 2.2 * MM, { width: width - labelWidth - 4 * MM });
    y += height;
  }

  // Problems raised (6.8.2.6): each becomes a follow-up with an owner and a due date.
  doc.x = left;
  doc.y = y + 4 * MM;
  doc.fontSize(12).text('反映的问题及跟进', left, doc.y, { width });
  doc.moveDown(0.3);
  doc.fontSize(10.5);
  const followUps = record?.followUps ?? [];
  if (followUps.length === 0 && record) doc.text('本次走访未反映问题。', { width });
  followUps.forEach((item, index) => {
    const owner = item.ownerName || '（未指定）';
    const state =
      item.status === 'done' ? `已办结：${item.reply ?? ''}` : `办理期限 ${chineseDate(item.dueOn)}`;
    doc.text(`${index + 1}. ${item.description}　责任人：${owner}　${state}`, { width, lineGap: 2 });
  });
  if (!record) {
    for (let line = 0; line < 3; line += 1) {
      doc.moveDown(1.1);
      doc
        .moveTo(left, doc.y)
        .lineTo(left + width, doc.y)
        .stroke('#999999');
    }
  }

  doc.moveDown(2);
  doc
    .fontSize(11)
    .text('走访人签名：＿＿＿＿＿＿　　被走访人（家属）签名：＿＿＿＿＿＿', left, doc.y, { width });
  // The foot sits in the bottom margin; with the margin lifted, pdfkit does not start a new page for it.
  const bottom = doc.page.margins.bottom;
  doc.page.margins.bottom = 0;
  doc
    .fontSize(8)
    .fillColor('#888888')
    .text(printedAtText(printedAt), left, doc.page.height - bottom / 2, {
      width,
      align: 'right',
      lineBreak: false,
    });
  doc.end();
  return done;
}
