/**
 * Tencent Cloud SMS (`SendSms`, sms.tencentcloudapi.com, 2021-01-11) and voice messages
 * (`SendTtsVoice`, vms.tencentcloudapi.com, 2020-09-02), signed with API 3.0 "签名方法 v3"
 * TC3-HMAC-SHA256 (https://cloud.tencent.com/document/api/382/52072):
 *
 *   CanonicalRequest = POST \n / \n (empty query) \n CanonicalHeaders \n SignedHeaders \n
 *                      hex(SHA-256(payload))
 *   StringToSign     = TC3-HMAC-SHA256 \n timestamp \n date/service/tc3_request \n hex(SHA-256(CanonicalRequest))
 *   SecretSigning    = HMAC(HMAC(HMAC("TC3" + SecretKey, date), service), "tc3_request")
 *   Signature        = hex(HMAC-SHA256(SecretSigning, StringToSign))
 *
 * The date is the UTC date of the timestamp: with a local (UTC+8) date a request signed between
 * 00:00 and 08:00 Beijing time fails. The signed headers are content-type, host and x-tc-action, as
 * the document's current example signs them; the header names and values go in lower case.
 */
import { createHash, createHmac } from 'node:crypto';
import { failed, orderedParams, parseObject, requireMobile, unreadable } from './common.ts';
import type { ProviderAnswer, ProviderMessage, ProviderRequest, TencentConfig } from './types.ts';
import { ProviderRefusal } from './types.ts';

export const TENCENT_SMS_ENDPOINT = 'https://sms.tencentcloudapi.com';
export const TENCENT_VOICE_ENDPOINT = 'https://vms.tencentcloudapi.com';
const ALGORITHM = 'TC3-HMAC-SHA256';
const CONTENT_TYPE = 'application/json; charset=utf-8';

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function hmac(key: string | Buffer, message: string): Buffer {
  return createHmac('sha256', key).update(message, 'utf8').digest();
}

/** The derived key for one day and one service. */
export function tc3SigningKey(secretKey: string, date: string, service: string): Buffer {
  return hmac(hmac(hmac(`TC3${secretKey}`, date), service), 'tc3_request');
}

export interface Tc3SigningInput {
  secretId: string;
  secretKey: string;
  service: string;
  /** The host header as sent: host, with `:port` when it is not the default. */
  host: string;
  action: string;
  /** Seconds since the epoch. */
  timestamp: number;
  payload: string;
  /**
   * Whether x-tc-action is signed with content-type and host (default true, as the current document
   * does); false signs only the two required headers, as its earlier example did.
   */
  signAction?: boolean;
}

export interface Tc3Signed {
  authorization: string;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
  date: string;
}

/** The pieces and the Authorization header of one TC3-HMAC-SHA256 request. */
export function tc3Sign(input: Tc3SigningInput): Tc3Signed {
  const headers: [string, string][] = [
    ['content-type', CONTENT_TYPE],
    ['host', input.host.toLowerCase()],
  ];
  if (input.signAction !== false) headers.push(['x-tc-action', input.action.toLowerCase()]);
  headers.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonicalHeaders = headers.map(([name, value]) => `${name}:${value.trim()}\n`).join('');
  const signedHeaders = headers.map(([name]) => name).join(';');
  const canonicalRequest = ['POST', '/', '', canonicalHeaders, signedHeaders, sha256Hex(input.payload)].join(
    '\n',
  );
  const date = new Date(input.timestamp * 1000).toISOString().slice(0, 10);
  const scope = `${date}/${input.service}/tc3_request`;
  const stringToSign = [ALGORITHM, String(input.timestamp), scope, sha256Hex(canonicalRequest)].join('\n');
  const signature = createHmac('sha256', tc3SigningKey(input.secretKey, date, input.service))
    .update(stringToSign, 'utf8')
    .digest('hex');
  const authorization = `${ALGORITHM} Credential=${input.secretId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { authorization, canonicalRequest, stringToSign, signature, date };
}

function signedRequest(
  config: TencentConfig,
  defaultEndpoint: string,
  service: string,
  action: string,
  version: string,
  payload: Record<string, unknown>,
  now: Date,
): ProviderRequest {
  const endpoint = new URL(config.endpoint ?? defaultEndpoint);
  const body = JSON.stringify(payload);
  const timestamp = Math.floor(now.getTime() / 1000);
  const signed = tc3Sign({
    secretId: config.secretId,
    secretKey: config.secretKey,
    service,
    host: endpoint.host,
    action,
    timestamp,
    payload: body,
  });
  return {
    url: `${endpoint.origin}/`,
    method: 'POST',
    headers: {
      authorization: signed.authorization,
      'content-type': CONTENT_TYPE,
      host: endpoint.host,
      'x-tc-action': action,
      'x-tc-timestamp': String(timestamp),
      'x-tc-version': version,
      'x-tc-region': config.region ?? 'ap-guangzhou',
    },
    body,
  };
}

/** SendSms to one mainland number, in the E.164 form Tencent documents (+86…). */
export function buildTencentSms(
  config: TencentConfig,
  message: ProviderMessage,
  target: string,
  now: Date,
  _nonce: string,
): ProviderRequest {
  const phone = requireMobile('Tencent SMS', target);
  if (!config.smsSdkAppId || !config.signName || !config.templateId) {
    throw new ProviderRefusal('Tencent SMS: smsSdkAppId, signName and templateId are required');
  }
  const payload = {
    PhoneNumberSet: [`+86${phone}`],
    SmsSdkAppId: config.smsSdkAppId,
    SignName: config.signName,
    TemplateId: config.templateId,
    TemplateParamSet: orderedParams('Tencent SMS', message.params, config.templateParamOrder),
  };
  return signedRequest(config, TENCENT_SMS_ENDPOINT, 'sms', 'SendSms', '2021-01-11', payload, now);
}

/** SendTtsVoice: a template voice message to one mainland number (+86…). */
export function buildTencentVoice(
  config: TencentConfig,
  message: ProviderMessage,
  target: string,
  now: Date,
  _nonce: string,
): ProviderRequest {
  const phone = requireMobile('Tencent voice', target);
  if (!config.voiceSdkAppId || !config.voiceTemplateId) {
    throw new ProviderRefusal('Tencent voice: voiceSdkAppId and voiceTemplateId are required');
  }
  const payload = {
    TemplateId: config.voiceTemplateId,
    TemplateParamSet: orderedParams('Tencent voice', message.params, config.templateParamOrder),
    CalledNumber: `+86${phone}`,
    VoiceSdkAppid: config.voiceSdkAppId,
    PlayTimes: config.playTimes ?? 2,
  };
  return signedRequest(config, TENCENT_VOICE_ENDPOINT, 'vms', 'SendTtsVoice', '2020-09-02', payload, now);
}

/**
 * Worth another attempt: RequestLimitExceeded (the API's request rate), InternalError and its
 * InternalError.Timeout / InternalError.SendAndRecvFail / InternalError.OtherError (the service's
 * own failures), LimitExceeded.PhoneNumberThirtySecondLimit (one number, 30 seconds), and HTTP
 * 429 or 5xx. Not: AuthFailure.* (credentials, signature, clock), InternalError.RequestTimeException
 * (the clock is off: a retry signs with the same clock), FailedOperation.* (signature or template
 * not approved, insufficient balance), InvalidParameterValue.* (number, template parameters),
 * LimitExceeded.PhoneNumberDailyLimit and the other daily/hourly caps.
 */
const RETRYABLE = new Set([
  'RequestLimitExceeded',
  'InternalError',
  'InternalError.Timeout',
  'InternalError.SendAndRecvFail',
  'InternalError.OtherError',
  'LimitExceeded.PhoneNumberThirtySecondLimit',
]);

function retryable(code: string, status: number): boolean {
  return RETRYABLE.has(code) || status === 429 || status >= 500;
}

/** The common envelope: {Response: {…, RequestId}} or {Response: {Error: {Code, Message}}}. */
function envelope(
  provider: string,
  status: number,
  body: string,
): { response: Record<string, unknown> } | { answer: ProviderAnswer } {
  const parsed = parseObject(body);
  const response = parsed?.Response;
  if (typeof response !== 'object' || response === null || Array.isArray(response)) {
    return { answer: unreadable(provider, status, body) };
  }
  const fields = response as Record<string, unknown>;
  const error = fields.Error as Record<string, unknown> | undefined;
  if (typeof error === 'object' && error !== null && typeof error.Code === 'string') {
    return { answer: failed(provider, error.Code, error.Message, retryable(error.Code, status), body) };
  }
  if (status < 200 || status >= 300) return { answer: unreadable(provider, status, body) };
  return { response: fields };
}

/**
 * SendSms answers one status per number: {Code: "Ok", Fee, SerialNo, PhoneNumber, …}. Fee is the
 * number of billed messages Tencent states (a long text is billed as several), kept as the cost.
 */
export function readTencentSms(status: number, body: string): ProviderAnswer {
  const opened = envelope('Tencent SMS', status, body);
  if ('answer' in opened) return opened.answer;
  const set = opened.response.SendStatusSet;
  const first = Array.isArray(set) ? (set[0] as Record<string, unknown> | undefined) : undefined;
  if (typeof first !== 'object' || first === null || typeof first.Code !== 'string') {
    return unreadable('Tencent SMS', status, body);
  }
  if (first.Code !== 'Ok')
    return failed('Tencent SMS', first.Code, first.Message, retryable(first.Code, status), body);
  const fee = first.Fee;
  return typeof fee === 'number' || typeof fee === 'string'
    ? { ok: true, response: body, cost: String(fee) }
    : { ok: true, response: body };
}

/** SendTtsVoice answers {SendStatus: {CallId, SessionContext}, RequestId}. */
export function readTencentVoice(status: number, body: string): ProviderAnswer {
  const opened = envelope('Tencent voice', status, body);
  if ('answer' in opened) return opened.answer;
  const sent = opened.response.SendStatus as Record<string, unknown> | undefined;
  if (typeof sent !== 'object' || sent === null || typeof sent.CallId !== 'string') {
    return unreadable('Tencent voice', status, body);
  }
  return { ok: true, response: body };
}
