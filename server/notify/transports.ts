/**
 * The two outside channels: e-mail over SMTP (nodemailer) and signed webhooks. Each send is one
 * attempt; it answers what happened and whether trying again could help, and never throws.
 *
 * A webhook goes only to an address the policy of server/notify/addresses.ts allows, judged on the
 * address actually dialled: node:http resolves the name through `guardedLookup`, so a name that
 * answers a public address when the channel is added and the loopback address when the alert comes
 * (DNS rebinding) is still refused. Redirects are not followed (they would dial an address nobody
 * judged), and of the receiver's answer only the status code is kept: anything more would let staff
 * read whatever sits at the target through the delivery log.
 */
import { createHmac } from 'node:crypto';
import { type LookupAddress, lookup } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { networkInterfaces } from 'node:os';
import nodemailer, { type Transporter } from 'nodemailer';
import { type AddressPolicy, bareAddress, type Refusal } from './addresses.ts';

/** What the server log (not the delivery log) says about a failed attempt, for IT operators. */
export interface AttemptDetail {
  message: string;
  fields: Record<string, unknown>;
}

export type AttemptResult =
  | { ok: true; response: string }
  | { ok: false; retryable: boolean; error: string; response?: string; detail?: AttemptDetail };

export const SIGNATURE_HEADER = 'X-Junxiu-Signature';
/** The most of a provider's answer read. */
const MAX_ANSWER_BYTES = 64 * 1024;
export const TIMESTAMP_HEADER = 'X-Junxiu-Timestamp';
/**
 * One delivery's id, the same on every attempt and from every instance: a receiver that keeps the
 * ids it has taken drops the repeat an instance killed between the send and the log leaves behind.
 */
export const DELIVERY_HEADER = 'X-Junxiu-Delivery';

/** The delivery log's text for a target the address policy refuses. */
export const TARGET_NOT_ALLOWED = 'target address not allowed (loopback, private or link-local network)';
/**
 * The delivery log's text for every network failure alike: refused, reset, timed out, unreachable,
 * unresolved, a TLS or HTTP protocol error. Telling them apart would tell staff which ports are open
 * on the target host.
 */
export const NO_ANSWER = 'the receiver did not answer';

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

/** The addresses of this host's interfaces, read at each call (DHCP and VPNs change them). */
export function hostAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((entries) =>
    (entries ?? []).map((entry) => entry.address),
  );
}

/** A target refused by the address policy: raised inside the lookup, so node:http never dials it. */
class TargetRefused extends Error {
  constructor(
    readonly host: string,
    readonly address: string,
    readonly refusal: Refusal,
  ) {
    super(`${host} resolves to ${address} (${refusal})`);
    this.name = 'TargetRefused';
  }
}

function refused(host: string, address: string, refusal: Refusal): Extract<AttemptResult, { ok: false }> {
  return {
    ok: false,
    retryable: false,
    error: TARGET_NOT_ALLOWED,
    detail: { message: 'webhook target address refused', fields: { host, address, refusal } },
  };
}

/** A 4xx is the receiver refusing this body, so it is final; 429 and 5xx may pass. */
function answered(status: number): AttemptResult {
  const response = String(status);
  if (status >= 200 && status < 300) return { ok: true, response };
  if (status >= 300 && status < 400) {
    return { ok: false, retryable: false, error: `HTTP ${status} (redirects are not followed)`, response };
  }
  return { ok: false, retryable: status >= 500 || status === 429, error: `HTTP ${status}`, response };
}

export class WebhookSender {
  constructor(
    private readonly timeoutMs: number,
    private readonly policy: AddressPolicy,
  ) {}

  /**
   * Resolves every address of the name and refuses the name if any of them is refused: which one
   * the socket ends up dialling (Happy Eyeballs tries them in turn) is not ours to choose.
   */
  private readonly guardedLookup: LookupFunction = (hostname, options, callback) => {
    lookup(
      hostname,
      { all: true, family: options.family ?? 0, hints: options.hints ?? 0 },
      (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => {
        if (error) return callback(error, '');
        for (const { address } of addresses) {
          const refusal = this.policy.judge(address);
          if (refusal !== null) return callback(new TargetRefused(hostname, address, refusal), '');
        }
        const [first] = addresses;
        if (!first) {
          return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '');
        }
        if (options.all) return callback(null, addresses);
        return callback(null, first.address, first.family);
      },
    );
  };

  async send(
    target: string,
    secret: string | null,
    body: string,
    now: Date,
    deliveryId: string,
  ): Promise<AttemptResult> {
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      [TIMESTAMP_HEADER]: String(Math.floor(now.getTime() / 1000)),
      [DELIVERY_HEADER]: deliveryId,
    };
    if (secret) headers[SIGNATURE_HEADER] = signature(secret, body);
    const exchanged = await this.exchange(target, headers, body, false);
    // The body is not read: the status is all that is kept.
    return 'status' in exchanged ? answered(exchanged.status) : exchanged;
  }

  /**
   * POSTs `body` to `target` under the address policy, on a connection of its own, and resolves
   * with the status and (when `read`) the start of the answer's body; a failure to connect or a
   * refused address resolves as a failed attempt.
   */
  exchange(
    target: string,
    givenHeaders: Record<string, string>,
    body: string,
    read: boolean,
  ): Promise<{ status: number; text: string } | Extract<AttemptResult, { ok: false }>> {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return Promise.resolve({ ok: false, retryable: false, error: 'target is not a URL' });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return Promise.resolve({ ok: false, retryable: false, error: 'target must be an http or https URL' });
    }
    // node:net dials an IP literal without calling `lookup`, so a literal is judged here. The URL
    // parser has already turned 2130706433, 0x7f.1 and 0177.0.0.1 into 127.0.0.1.
    const literal = bareAddress(url.hostname);
    if (isIP(literal) !== 0) {
      const refusal = this.policy.judge(literal);
      if (refusal !== null) return Promise.resolve(refused(url.hostname, literal, refusal));
    }
    const headers: Record<string, string> = {
      'user-agent': 'junxiu-hub',
      ...givenHeaders,
      'content-length': String(Buffer.byteLength(body, 'utf8')),
    };
    type Exchanged = { status: number; text: string } | Extract<AttemptResult, { ok: false }>;
    return new Promise<Exchanged>((resolve) => {
      let settled = false;
      const settle = (result: Exchanged) => {
        if (settled) return;
        settled = true;
        resolve(result);
      };
      const client = url.protocol === 'https:' ? https : http;
      const request = client.request(
        url,
        {
          method: 'POST',
          headers,
          // A connection of its own for each attempt, so each one is resolved and judged afresh.
          agent: false,
          lookup: this.guardedLookup,
          signal: AbortSignal.timeout(this.timeoutMs),
        },
        (response) => {
          const status = response.statusCode ?? 0;
          if (!read) {
            response.destroy();
            request.destroy();
            settle({ status, text: '' });
            return;
          }
          // A provider's answer is a small JSON document; more than this is not one.
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size <= MAX_ANSWER_BYTES) chunks.push(chunk);
            else {
              response.destroy();
              request.destroy();
              settle({ status, text: Buffer.concat(chunks).toString('utf8') });
            }
          });
          response.on('end', () => settle({ status, text: Buffer.concat(chunks).toString('utf8') }));
          response.on('error', () => settle({ status, text: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      request.on('error', (error: NodeJS.ErrnoException) => {
        if (error instanceof TargetRefused) {
          settle(refused(error.host, error.address, error.refusal));
          return;
        }
        settle({
          ok: false,
          retryable: true,
          error: NO_ANSWER,
          detail: {
            message: 'webhook receiver did not answer',
            fields: {
              host: url.host,
              cause: error.name === 'AbortError' ? `no answer within ${this.timeoutMs} ms` : message(error),
              code: error.code,
            },
          },
        });
      });
      request.end(body);
    });
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
