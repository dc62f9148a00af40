/**
 * The frame of the hub's plain pages for phones, reached through a link without signing in (a staff
 * member's alert page under /m/, a satisfaction survey under /q/): HTML with forms and no script, so
 * they work in any phone browser, WeChat's included, with the style sheet served by the hub (the
 * pages' CSP allows no inline style block).
 */

/** `text` safe inside HTML text and attribute values. */
export const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

/** A whole page: `body` is HTML already escaped; `stylesheet` the address of its style sheet. */
export function phonePage(title: string, body: string, stylesheet: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${escapeHtml(stylesheet)}">
</head><body><main>${body}</main></body></html>`;
}

/** What every phone page looks like; a page's own sheet adds its rules after these. */
export const PHONE_STYLE = `body{margin:0;font:16px/1.5 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f4f5f7;color:#1d2129}
main{max-width:560px;margin:0 auto;padding:12px}
h1{font-size:20px;margin:8px 0}
section{background:#fff;border-radius:8px;padding:12px;margin:10px 0}
h2{font-size:15px;margin:0 0 6px;color:#4e5969}
.done{background:#e8f7ee;border-left:4px solid #23a55a}
.fail{background:#fdecec;border-left:4px solid #c9302c}
dl{display:grid;grid-template-columns:auto 1fr;gap:2px 10px;margin:0}
dt{color:#86909c}dd{margin:0}
ol{margin:0;padding-left:20px}
form{margin:8px 0}
button{width:100%;font-size:18px;padding:14px;border:0;border-radius:8px;background:#1664ff;color:#fff}
button.secondary{background:#fff;color:#1664ff;border:1px solid #1664ff}
a{color:#1664ff}`;

/** The headers every link page answers with: never cached, and its address (a key) never passed on. */
export function privatePage(reply: { header: (name: string, value: string) => unknown }): void {
  reply.header('cache-control', 'no-store');
  reply.header('referrer-policy', 'no-referrer');
}
