/**
 * The frame of every printable form (rescue card, three-party agreement, visit record): a pdfkit
 * document with the CJK font registered and selected, collected into one Buffer when it ends.
 */
import type { FastifyReply } from 'fastify';
import PDFDocument from 'pdfkit';
import { CENTRE_TIME_ZONE } from '../calendar.ts';
import type { CardFont } from './font.ts';

export const MM = 72 / 25.4;

export interface PrintedDocument {
  doc: PDFKit.PDFDocument;
  /** Resolves with the whole file once `doc.end()` has been called. */
  done: Promise<Buffer>;
  /** The width between the margins. */
  width: number;
}

export function startDocument(options: {
  size: 'A4' | 'A5' | 'A6';
  marginMm: number;
  title: string;
  subject: string;
  font: CardFont;
}): PrintedDocument {
  const margin = options.marginMm * MM;
  const doc = new PDFDocument({
    size: options.size,
    margins: { top: margin, bottom: margin, left: margin, right: margin },
    info: { Title: options.title, Subject: options.subject, Creator: 'Junxiu Hub' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('cjk', options.font.path, options.font.family);
  doc.font('cjk');
  return { doc, done, width: doc.page.width - 2 * margin };
}

/** "打印于 2026年…" in centre time, for the foot of a page. */
export function printedAtText(printedAt: Date): string {
  return `打印于 ${printedAt.toLocaleString('zh-CN', { timeZone: CENTRE_TIME_ZONE, hour12: false })}`;
}

/**
 * Answers with a printed form, opened in the browser: `file` is the ASCII name old clients get, `name`
 * the name in full (Chinese), without its `.pdf`.
 */
export function sendPdf(reply: FastifyReply, pdf: Buffer, file: string, name: string): FastifyReply {
  return reply
    .type('application/pdf')
    .header(
      'content-disposition',
      `inline; filename="${file}"; filename*=UTF-8''${encodeURIComponent(`${name}.pdf`)}`,
    )
    .send(pdf);
}
