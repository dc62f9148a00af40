/**
 * Feishu custom bot (飞书自定义机器人): a JSON POST to
 * `https://open.feishu.cn/open-apis/bot/v2/hook/<token>`, documented at
 * https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot (body at most 20 KB; 100
 * messages a minute and 5 a second per bot).
 *
 * With the "签名校验" setting the body also carries `timestamp` (seconds, as a string) and `sign` =
 * base64(HMAC-SHA256(key = timestamp + "\n" + secret, message = empty)): the key and the message
 * are the other way round from DingTalk's. The timestamp must be within an hour of Feishu's clock.
 */
import { createHmac } from 'node:crypto';
import { failed, limitChars, parseObject, unreadable } from './common.ts';
import type { FeishuConfig, ProviderAnswer, ProviderMessage, ProviderRequest } from './types.ts';

const PROVIDER = 'Feishu';
/** The documented ceiling for a request body, 20 KB. */
const BODY_BYTES = 20 * 1024;
const TITLE_CHARS = 100;

/** The `sign` field: base64 of HMAC-SHA256 keyed by "timestamp\nsecret" over an empty message. */
export function feishuSign(secret: string, timestamp: string): string {
  return createHmac('sha256', `${timestamp}\n${secret}`).update('').digest('base64');
}

/** The card header's colour template by severity. */
const TEMPLATE = { critical: 'red', high: 'orange', medium: 'yellow', low: 'blue' } as const;

function payloadFor(
  config: FeishuConfig,
  message: ProviderMessage,
  lines: string[],
): Record<string, unknown> {
  const title = limitChars(message.title, TITLE_CHARS);
  if (config.style === 'card') {
    const elements: unknown[] = [{ tag: 'div', text: { tag: 'plain_text', content: lines.join('\n') } }];
    if (message.link !== null) {
      elements.push({
        tag: 'action',
        actions: [
          {
            tag: 'button',
            text: { tag: 'plain_text', content: '查看并处理' },
            type: 'primary',
            url: message.link,
          },
        ],
      });
    }
    return {
      msg_type: 'interactive',
      card: {
        config: { wide_screen_mode: true },
        header: { title: { tag: 'plain_text', content: title }, template: TEMPLATE[message.severity] },
        elements,
      },
    };
  }
  const content: unknown[][] = lines.map((line) => [{ tag: 'text', text: line }]);
  if (message.link !== null) content.push([{ tag: 'a', text: '查看并处理', href: message.link }]);
  return { msg_type: 'post', content: { post: { zh_cn: { title, content } } } };
}

export function buildFeishu(
  config: FeishuConfig,
  message: ProviderMessage,
  _target: string,
  now: Date,
  _nonce: string,
): ProviderRequest {
  const signing: Record<string, string> = {};
  if (config.secret !== undefined && config.secret !== '') {
    const timestamp = String(Math.floor(now.getTime() / 1000));
    signing.timestamp = timestamp;
    signing.sign = feishuSign(config.secret, timestamp);
  }
  // Over the 20 KB ceiling the last lines give way, an ellipsis in their place, until the body fits.
  const lines = message.lines.map((line) => limitChars(line, 2000));
  const bodyWith = (kept: number): string => {
    const shown = kept < lines.length ? [...lines.slice(0, kept), '…'] : lines;
    return JSON.stringify({ ...signing, ...payloadFor(config, message, shown) });
  };
  let kept = lines.length;
  let body = bodyWith(kept);
  while (Buffer.byteLength(body, 'utf8') > BODY_BYTES && kept > 0) {
    kept -= 1;
    body = bodyWith(kept);
  }
  return {
    url: config.webhook,
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body,
  };
}

/**
 * Worth another attempt: 11232 (frequency limited, which the guide says system load around the hour
 * and half hour can also cause), 99991400 (the open platform's rate limit), and HTTP 429 or 5xx.
 * Not: 19021 (signature does not match or the timestamp is over an hour off), 19022 (IP address not
 * allowed), 19024 (keyword missing), 9499 (bad request body).
 */
const RETRYABLE = new Set([11232, 99991400]);

export function readFeishu(status: number, body: string): ProviderAnswer {
  const answer = parseObject(body);
  if (answer === null) return unreadable(PROVIDER, status, body);
  // Current bots answer {code, msg}; older ones {StatusCode, StatusMessage}.
  const code = typeof answer.code === 'number' ? answer.code : answer.StatusCode;
  const text = typeof answer.code === 'number' ? answer.msg : answer.StatusMessage;
  if (typeof code !== 'number') return unreadable(PROVIDER, status, body);
  if (code === 0 && status >= 200 && status < 300) return { ok: true, response: body };
  if (code === 0) return unreadable(PROVIDER, status, body);
  const retryable = RETRYABLE.has(code) || status === 429 || status >= 500;
  return failed(PROVIDER, code, text, retryable, body);
}
