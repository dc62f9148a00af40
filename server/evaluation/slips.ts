/**
 * The printed slips of a survey's answer links: eight to an A4 page, each with the retiree's name,
 * the survey, what to do in plain words, the QR code of the link (scanned with a phone's camera or
 * WeChat) and the address written out for those who type it. Cut along the lines and handed out on a
 * visit or put in the post.
 */
import qrcode from 'qrcode-generator';
import { MM, printedAtText, startDocument } from '../print/document.ts';
import type { CardFont } from '../print/font.ts';
import type { Survey, SurveyLink } from '../schemas/evaluation.ts';

const COLUMNS = 2;
const ROWS = 4;

/** The QR code of `text` drawn with its top-left corner at (x, y), `size` points wide. */
function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  // Level M: a slip may be creased or stained; an address of some 80 characters fits type 6 or so.
  const code = qrcode(0, 'M');
  code.addData(text, 'Byte');
  code.make();
  const count = code.getModuleCount();
  const quiet = 2;
  const cell = size / (count + 2 * quiet);
  doc.save();
  doc.rect(x, y, size, size).fill('#ffffff');
  for (let row = 0; row < count; row += 1) {
    for (let col = 0; col < count; col += 1) {
      if (code.isDark(row, col)) doc.rect(x + (col + quiet) * cell, y + (row + quiet) * cell, cell, cell);
    }
  }
  doc.fill('#000000');
  doc.restore();
}

/** The slips of `links` (live ones only, in the order given), each pointing at `base` + its path. */
export async function renderSlips(
  survey: Pick<Survey, 'title' | 'period' | 'anonymous'>,
  links: readonly SurveyLink[],
  base: string,
  centre: { name: string; phone: string },
  font: CardFont,
  printedAt: Date,
): Promise<Buffer> {
  const { doc, done } = startDocument({
    size: 'A4',
    marginMm: 8,
    title: `满意度调查答卷卡片 ${survey.title}`,
    subject: '满意度调查',
    font,
  });
  const left = doc.page.margins.left;
  const top = doc.page.margins.top;
  const slipWidth = (doc.page.width - left - doc.page.margins.right) / COLUMNS;
  const slipHeight = (doc.page.height - top - doc.page.margins.bottom - 6 * MM) / ROWS;
  const qrSize = 38 * MM;
  const pad = 4 * MM;
  const perPage = COLUMNS * ROWS;

  links.forEach((link, index) => {
    const onPage = index % perPage;
    if (index > 0 && onPage === 0) doc.addPage();
    if (onPage === 0) {
      doc
        .fontSize(7)
        .fillColor('#86909c')
        .text(
          `${centre.name || '军休服务中心'} · ${survey.title}（${survey.period}） · ${printedAtText(printedAt)}`,
          left,
          doc.page.height - doc.page.margins.bottom - 4 * MM,
          { lineBreak: false },
        )
        .fillColor('#000000');
    }
    const x = left + (onPage % COLUMNS) * slipWidth;
    const y = top + Math.floor(onPage / COLUMNS) * slipHeight;
    doc.save().dash(3, { space: 3 }).lineWidth(0.5).strokeColor('#86909c');
    doc.rect(x, y, slipWidth, slipHeight).stroke();
    doc.restore();

    const url = `${base}${link.path}`;
    drawQr(doc, url, x + slipWidth - pad - qrSize, y + pad, qrSize);
    const textWidth = slipWidth - 3 * pad - qrSize;
    const tx = x + pad;
    doc.fontSize(14).text(`${link.retireeName} 同志`, tx, y + pad, { width: textWidth });
    doc.moveDown(0.3).fontSize(10).text(`${survey.title}（${survey.period}）`, { width: textWidth });
    doc
      .moveDown(0.4)
      .fontSize(9)
      .text('请用手机扫描右边的二维码，为我们的服务打分。每项一两分钟即可。', { width: textWidth });
    if (survey.anonymous) {
      doc.moveDown(0.3).text('本调查不记名：答卷不记录您的姓名。', { width: textWidth });
    }
    if (centre.phone) doc.moveDown(0.3).text(`不方便扫码可致电 ${centre.phone}`, { width: textWidth });
    doc
      .fontSize(6.5)
      .fillColor('#4e5969')
      .text(url, x + pad, y + slipHeight - pad - 9, { width: slipWidth - 2 * pad, lineBreak: false })
      .fillColor('#000000');
  });
  doc.end();
  return done;
}
