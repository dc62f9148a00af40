/**
 * What the providers share: mainland mobile numbers, cutting text to a documented limit without
 * breaking a character, and turning an answer that is not the provider's JSON into a short error.
 */
import type { ProviderAnswer } from './types.ts';
import { ProviderRefusal } from './types.ts';

const MAINLAND_MOBILE = /^(?:\+?86)?(1[3-9]\d{9})$/;

/**
 * The 11-digit national form of a mainland mobile number (`1[3-9]` and nine digits), written with
 * or without `+86`/`86`; spaces and hyphens between digits are allowed. Null for anything else.
 */
export function mainlandMobile(input: string): string | null {
  const compact = input.trim().replace(/[\s-]/g, '');
  return MAINLAND_MOBILE.exec(compact)?.[1] ?? null;
}

/** The national number, or a refusal naming the provider. */
export function requireMobile(provider: string, input: string): string {
  const national = mainlandMobile(input);
  if (national === null) {
    throw new ProviderRefusal(
      `${provider}: not a mainland mobile number (1[3-9] and 9 digits, optional +86)`,
    );
  }
  return national;
}

const graphemes = new Intl.Segmenter('zh', { granularity: 'grapheme' });

/**
 * At most `limit` characters (Unicode code points, what the providers count), cut between whole
 * graphemes so no character, surrogate pair or combining sequence is split; an ellipsis marks a cut.
 */
export function limitChars(text: string, limit: number): string {
  if ([...text].length <= limit) return text;
  let kept = '';
  let count = 0;
  for (const { segment } of graphemes.segment(text)) {
    const size = [...segment].length;
    if (count + size > limit - 1) break;
    kept += segment;
    count += size;
  }
  return `${kept}…`;
}

/** At most `limit` bytes of UTF-8, cut between whole graphemes; an ellipsis marks a cut. */
export function limitUtf8Bytes(text: string, limit: number): string {
  if (Buffer.byteLength(text, 'utf8') <= limit) return text;
  const ellipsis = Buffer.byteLength('…', 'utf8');
  let kept = '';
  let bytes = 0;
  for (const { segment } of graphemes.segment(text)) {
    const size = Buffer.byteLength(segment, 'utf8');
    if (bytes + size > limit - ellipsis) break;
    kept += segment;
    bytes += size;
  }
  return `${kept}…`;
}

/** A provider's message as the delivery log shows it: one line, no more than 120 characters. */
export function shortMessage(message: unknown): string {
  if (typeof message !== 'string') return '';
  return limitChars(message.replace(/\s+/g, ' ').trim(), 120);
}

/** The body as a JSON object, or null when it is not one. */
export function parseObject(body: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/**
 * An answer without the provider's JSON: a gateway, proxy or overloaded front end answered. 429
 * and 5xx are worth another attempt; anything else will fail the same way again.
 */
export function unreadable(provider: string, status: number, body: string): ProviderAnswer {
  return {
    ok: false,
    retryable: status === 429 || status >= 500,
    error: `${provider} HTTP ${status}: answer is not the provider's JSON`,
    response: limitChars(body, 500),
  };
}

/** An error answer in the provider's JSON: its code and message, kept short. */
export function failed(
  provider: string,
  code: string | number,
  message: unknown,
  retryable: boolean,
  body: string,
): ProviderAnswer {
  const text = shortMessage(message);
  return {
    ok: false,
    retryable,
    error: text === '' ? `${provider} ${code}` : `${provider} ${code}: ${text}`,
    response: limitChars(body, 2000),
  };
}

/** The parameter order for a positional template: the configured names, or the message's own order. */
export function orderedParams(
  provider: string,
  params: Record<string, string>,
  order: readonly string[] | undefined,
): string[] {
  if (order === undefined) return Object.values(params);
  return order.map((name) => {
    const value = params[name];
    if (value === undefined)
      throw new ProviderRefusal(`${provider}: template parameter "${name}" is missing`);
    return value;
  });
}

/** `https://host` with optional port, or a refusal; http only for a host the caller allows. */
export function checkUrl(
  field: string,
  value: unknown,
  allowHttp: readonly string[] = [],
): { url: URL; reason: null } | { url: null; reason: string } {
  if (typeof value !== 'string' || value.trim() === '') return { url: null, reason: `${field} is required` };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { url: null, reason: `${field} is not a valid URL` };
  }
  if (url.username !== '' || url.password !== '') {
    return { url: null, reason: `${field} must not carry a user name or password` };
  }
  if (url.protocol === 'https:') return { url, reason: null };
  if (url.protocol === 'http:' && allowHttp.includes(url.hostname)) return { url, reason: null };
  return { url: null, reason: `${field} must use https` };
}

/**
 * The answer of a robot that says `{errcode, errmsg}` (DingTalk, WeCom): errcode 0 with a 2xx is
 * sent; the codes in `retryable`, 429 and 5xx may pass; anything else is final.
 */
export function readErrcodeAnswer(
  provider: string,
  retryable: ReadonlySet<number>,
  status: number,
  body: string,
): ProviderAnswer {
  const answer = parseObject(body);
  if (answer === null || typeof answer.errcode !== 'number') return unreadable(provider, status, body);
  if (answer.errcode === 0 && status >= 200 && status < 300) return { ok: true, response: body };
  if (answer.errcode === 0) return unreadable(provider, status, body);
  const passing = retryable.has(answer.errcode) || status === 429 || status >= 500;
  return failed(provider, answer.errcode, answer.errmsg, passing, body);
}
