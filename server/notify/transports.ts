/**
 * The two outside channels: e-mail over SMTP (nodemailer) and signed webhooks. Each send is one
 * attempt; it answers what happened and whether trying again could help, and never throws.
 */
import { createHmac } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';

export type AttemptResult =
  | { ok: true; response: string }
  | { ok: false; retryable: boolean; error: string; response?: string };

export const SIGNATURE_HEADER = 'X-Junxiu-Signature';
export const TIMESTAMP_HEADER = 'X-Junxiu-Timestamp';

/** `sha256=<hex HMAC-SHA256 of the raw body>`, the form GitHub-style receivers already check. */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

function message(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
  }
  return String(error);
}

export class WebhookSender {
  constructor(private readonly timeoutMs: number) {}

  /** Network errors and 5xx may pass; a 4xx is the receiver refusing this body, so it is final. */
  async send(url: string, secret: string | null, body: string, now: Date): Promise<AttemptResult> {
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'junxiu-hub',
      [TIMESTAMP_HEADER]: String(Math.floor(now.getTime() / 1000)),
    };
    if (secret) headers[SIGNATURE_HEADER] = signature(secret, body);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = (await response.text().catch(() => '')).trim();
      const summary = `${response.status}${text ? ` ${text}` : ''}`;
      if (response.ok) return { ok: true, response: summary };
      return {
        ok: false,
        retryable: response.status >= 500 || response.status === 429,
        error: `HTTP ${response.status}`,
        response: summary,
      };
    } catch (error) {
      return { ok: false, retryable: true, error: message(error) };
    }
  }
}

export class EmailSender {
  private transport: Transporter | undefined;

  constructor(
    private readonly smtpUrl: string | undefined,
    private readonly from: string,
    private readonly timeoutMs: number,
  ) {}

  get configured(): boolean {
    return this.smtpUrl !== undefined;
  }

  async send(to: string, subject: string, text: string): Promise<AttemptResult> {
    if (!this.smtpUrl) {
      return { ok: false, retryable: false, error: 'e-mail is not set up: HUB_SMTP_URL is not set' };
    }
    this.transport ??= nodemailer.createTransport({
      url: this.smtpUrl,
      connectionTimeout: this.timeoutMs,
      greetingTimeout: this.timeoutMs,
      socketTimeout: this.timeoutMs,
    });
    try {
      const info = await this.transport.sendMail({ from: this.from, to, subject, text });
      const rejected = (info.rejected ?? []).map(String);
      if (rejected.length > 0) {
        return {
          ok: false,
          retryable: false,
          error: `rejected: ${rejected.join(', ')}`,
          response: info.response ?? '',
        };
      }
      return { ok: true, response: info.response ?? 'accepted' };
    } catch (error) {
      // 5xx SMTP replies are permanent (bad address); connection trouble and 4xx may pass.
      const code = (error as { responseCode?: number }).responseCode;
      return { ok: false, retryable: code === undefined || code < 500, error: message(error) };
    }
  }

  close(): void {
    this.transport?.close();
    this.transport = undefined;
  }
}
