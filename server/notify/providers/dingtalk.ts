/**
 * DingTalk custom robot (钉钉自定义机器人): a JSON POST to the group's webhook
 * (`https://oapi.dingtalk.com/robot/send?access_token=…`), documented at
 * https://open.dingtalk.com/document/orgapp/custom-robot-access (message types: markdown, and
 * actionCard with one button to the alert's page; without a link the card falls back to markdown).
 *
 * With the "加签" security setting the address also carries `timestamp` (milliseconds) and
 * `sign` = urlencode(base64(HMAC-SHA256(key = secret, message = timestamp + "\n" + secret))); DingTalk
 * refuses a timestamp more than an hour from its clock.
 */
import { createHmac } from 'node:crypto';
import { limitChars, limitUtf8Bytes, readErrcodeAnswer } from './common.ts';
import type { DingTalkConfig, ProviderAnswer, ProviderMessage, ProviderRequest } from './types.ts';

const PROVIDER = 'DingTalk';

/**
 * The robot pages give no length for a markdown text: it is kept under 20 000 bytes of UTF-8 so a
 * runaway alert is cut here rather than refused by DingTalk.
 */
const TEXT_BYTES = 20_000;
/** The title is what the conversation list and the notification show: one short line. */
const TITLE_CHARS = 64;

/** The `sign` value before URL encoding: base64 of HMAC-SHA256 keyed by the secret. */
export function dingTalkSign(secret: string, timestamp: string): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`, 'utf8').digest('base64');
}

/** The markdown body: the title as a heading, one paragraph per line, then the link. */
function markdownText(message: ProviderMessage, withLink: boolean): string {
  const parts = [`#### ${message.title}`, ...message.lines];
  if (withLink && message.link !== null) parts.push(`[查看并处理](${message.link})`);
  // A paragraph per line: DingTalk's markdown joins lines that only a single newline separates.
  return limitUtf8Bytes(parts.join('\n\n'), TEXT_BYTES);
}

export function buildDingTalk(
  config: DingTalkConfig,
  message: ProviderMessage,
  _target: string,
  now: Date,
  _nonce: string,
): ProviderRequest {
  const title = limitChars(message.title, TITLE_CHARS);
  const card = config.style === 'card' && message.link !== null;
  const payload = card
    ? {
        msgtype: 'actionCard',
        actionCard: {
          title,
          text: markdownText(message, false),
          singleTitle: '查看并处理',
          singleURL: message.link,
        },
      }
    : { msgtype: 'markdown', markdown: { title, text: markdownText(message, true) } };
  let url = config.webhook;
  if (config.secret !== undefined && config.secret !== '') {
    const timestamp = String(now.getTime());
    const sign = encodeURIComponent(dingTalkSign(config.secret, timestamp));
    url += `${url.includes('?') ? '&' : '?'}timestamp=${timestamp}&sign=${sign}`;
  }
  return {
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(payload),
  };
}

/**
 * Worth another attempt: -1 (系统繁忙, system busy, "retry later" in DingTalk's global error codes),
 * 410100 and the older 130101 (sending too fast: more than 20 messages a minute throttles the robot
 * for ten minutes), and HTTP 429 or 5xx. Everything else is a setting to fix: 310000 (signature,
 * keyword or IP address does not match the robot's security setting), 300001/300005/400101 (the
 * access token is wrong or gone), 400102 (robot disabled), 430101-430104 (content refused).
 */
const RETRYABLE = new Set([-1, 410100, 130101]);

export function readDingTalk(status: number, body: string): ProviderAnswer {
  return readErrcodeAnswer(PROVIDER, RETRYABLE, status, body);
}
