/**
 * Chinese text needs a CJK font to print: HUB_CARD_FONT names one (`path` or `path#face` for a .ttc
 * collection), else the usual places of Debian's fonts-noto-cjk and fonts-wqy-zenhei are tried.
 */
import fs from 'node:fs';
import { HubError } from '../errors.ts';

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

/** The font to print with, or the 503 that says how to give the hub one. */
export function fontOr503(font: CardFont | null): CardFont {
  if (font) return font;
  throw new HubError(
    503,
    'font_missing',
    'no Chinese font to print with: install fonts-noto-cjk or set HUB_CARD_FONT to a .ttf/.otf/.ttc file',
  );
}
