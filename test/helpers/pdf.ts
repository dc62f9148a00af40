/**
 * What the suites that read a printed PDF back need: Debian's pdftotext (poppler-utils) and a CJK
 * font for the hub to print with. Either is null when missing, so that those cases skip, except under
 * CI=true, where a missing one fails the suite (`suite` names it in the error).
 */
import { existsSync } from 'node:fs';
import { findCardFont } from '../../server/rescue/pdf.ts';

export function pdfTools(suite: string): {
  pdftotext: string | null;
  font: ReturnType<typeof findCardFont>;
} {
  const pdftotext = existsSync('/usr/bin/pdftotext') ? '/usr/bin/pdftotext' : null;
  const font = findCardFont(undefined);
  if (process.env.CI === 'true' && (!pdftotext || !font)) {
    throw new Error(`CI=true needs pdftotext (poppler-utils) and a CJK font (fonts-noto-cjk) for ${suite}`);
  }
  return { pdftotext, font };
}
