/**
 * WeCom group robot (企业微信群机器人): a JSON POST to
 * `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`, documented at
 * https://developer.work.weixin.qq.com/document/path/91770. The key in the address is the only
 * credential; WeCom robots have no signing secret.
 *
 * Two styles: `markdown` (content at most 4096 bytes of UTF-8) and `template_card` of type
 * `text_notice`, whose `card_action` opens the alert's page (main title at most 26 characters,
 * its description 30, the sub-title text 112, as the message type's table recommends). A card needs
 * its action, so an alert without a page goes as markdown.
 */
import { severityNames } from '../../../devices/alerts.ts';
import { limitChars, limitUtf8Bytes, readErrcodeAnswer } from './common.ts';
import type { ProviderAnswer, ProviderMessage, ProviderRequest, WeComConfig } from './types.ts';

const PROVIDER = 'WeCom';
const MARKDOWN_BYTES = 4096;

/** WeCom markdown's three font colours: warning (orange), info (green), comment (grey). */
const COLOUR = { critical: 'warning', high: 'warning', medium: 'comment', low: 'info' } as const;

function markdownContent(message: ProviderMessage): string {
  const head = `**<font color="${COLOUR[message.severity]}">${message.title}</font>**`;
  const parts = [head, ...message.lines.map((line) => `> ${line}`)];
  const link = message.link === null ? '' : `\n[查看并处理](${message.link})`;
  // The link goes last but must survive a cut: the text before it gives way.
  const room = MARKDOWN_BYTES - Buffer.byteLength(link, 'utf8');
  return limitUtf8Bytes(parts.join('\n'), room) + link;
}

export function buildWeCom(
  config: WeComConfig,
  message: ProviderMessage,
  _target: string,
  _now: Date,
  _nonce: string,
): ProviderRequest {
  const payload =
    config.style === 'card' && message.link !== null
      ? {
          msgtype: 'template_card',
          template_card: {
            card_type: 'text_notice',
            main_title: {
              title: limitChars(message.title, 26),
              desc: limitChars(`告警级别：${severityNames[message.severity]}`, 30),
            },
            sub_title_text: limitChars(message.lines.join('\n'), 112),
            card_action: { type: 1, url: message.link },
          },
        }
      : { msgtype: 'markdown', markdown: { content: markdownContent(message) } };
  return {
    url: config.webhook,
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(payload),
  };
}

/**
 * Worth another attempt (WeCom's global error codes, https://developer.work.weixin.qq.com/document/path/90313):
 * -1 (系统繁忙, system busy) and 45009 (API call frequency over the limit: 20 messages a minute per
 * robot), and HTTP 429 or 5xx. Not: 93000 (invalid webhook key), 40008 (invalid message type),
 * 40058 (invalid parameter), 45002 (content too long), 44004 (empty content).
 */
const RETRYABLE = new Set([-1, 45009]);

export function readWeCom(status: number, body: string): ProviderAnswer {
  return readErrcodeAnswer(PROVIDER, RETRYABLE, status, body);
}
