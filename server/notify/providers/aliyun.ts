/**
 * Alibaba Cloud SMS (`SendSms`, dysmsapi) and voice (`SingleCallByTts`, dyvmsapi), both API version
 * 2017-05-25, signed with the V3 scheme ACS3-HMAC-SHA256 described in "V3版本请求体&签名机制"
 * (https://help.aliyun.com/zh/sdk/product-overview/v3-request-structure-and-signature):
 *
 *   CanonicalRequest = method \n CanonicalURI \n CanonicalQueryString \n CanonicalHeaders \n
 *                      SignedHeaders \n HashedRequestPayload
 *   StringToSign     = "ACS3-HMAC-SHA256" \n hex(SHA-256(CanonicalRequest))
 *   Signature        = hex(HMAC-SHA256(AccessKeySecret, StringToSign))
 *   Authorization    = ACS3-HMAC-SHA256 Credential=AccessKeyId,SignedHeaders=…,Signature=…
 *
 * Both APIs are RPC style: their parameters are query parameters (the OpenAPI metadata's `in:
 * query`), so the body is empty and `x-acs-content-sha256` is the hash of the empty string.
 */
import { createHash, createHmac } from 'node:crypto';
import { failed, limitChars, parseObject, requireMobile, unreadable } from './common.ts';
import type { AliyunConfig, ProviderAnswer, ProviderMessage, ProviderRequest } from './types.ts';
import { ProviderRefusal } from './types.ts';

export const ALIYUN_SMS_ENDPOINT = 'https://dysmsapi.aliyuncs.com';
export const ALIYUN_VOICE_ENDPOINT = 'https://dyvmsapi.aliyuncs.com';
const VERSION = '2017-05-25';
const ALGORITHM = 'ACS3-HMAC-SHA256';

/** SendSms: a template variable holds at most 35 characters (the SMS template variable rules). */
const SMS_PARAM_CHARS = 35;

/**
 * RFC 3986 percent-encoding as the V3 document asks: UTF-8, everything but A-Z a-z 0-9 - _ . ~
 * encoded, a space as %20 (never +). encodeURIComponent leaves ! ' ( ) * alone, so those follow.
 */
export function acsPercentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** 2023-10-26T10:22:32Z: ISO 8601 in UTC to the second, the form x-acs-date takes. */
export function acsDate(now: Date): string {
  return `${now.toISOString().slice(0, 19)}Z`;
}

export interface AcsSigningInput {
  method: string;
  /** The host header as sent: host, with `:port` when it is not the default. */
  host: string;
  path: string;
  query: Record<string, string>;
  action: string;
  version: string;
  body: string;
  accessKeyId: string;
  accessKeySecret: string;
  now: Date;
  nonce: string;
}

export interface AcsSigned {
  /** The query string as both signed and sent. */
  query: string;
  /** Every header the request carries, names in lower case, Authorization included. */
  headers: Record<string, string>;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
}

/** Sign one request with ACS3-HMAC-SHA256. */
export function acs3Sign(input: AcsSigningInput): AcsSigned {
  // Parameters sorted by name in character-code order, names and values percent-encoded.
  const query = Object.keys(input.query)
    .sort()
    .map((name) => `${acsPercentEncode(name)}=${acsPercentEncode(input.query[name] ?? '')}`)
    .join('&');
  const hashedPayload = sha256Hex(input.body);
  const signedValues: Record<string, string> = {
    host: input.host,
    'x-acs-action': input.action,
    'x-acs-content-sha256': hashedPayload,
    'x-acs-date': acsDate(input.now),
    'x-acs-signature-nonce': input.nonce,
    'x-acs-version': input.version,
  };
  const names = Object.keys(signedValues).sort();
  const canonicalHeaders = names.map((name) => `${name}:${(signedValues[name] ?? '').trim()}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    input.method,
    input.path,
    query,
    canonicalHeaders,
    signedHeaders,
    hashedPayload,
  ].join('\n');
  const stringToSign = `${ALGORITHM}\n${sha256Hex(canonicalRequest)}`;
  const signature = createHmac('sha256', input.accessKeySecret).update(stringToSign, 'utf8').digest('hex');
  const authorization = `${ALGORITHM} Credential=${input.accessKeyId},SignedHeaders=${signedHeaders},Signature=${signature}`;
  return {
    query,
    headers: { ...signedValues, authorization },
    canonicalRequest,
    stringToSign,
    signature,
  };
}

function signedRequest(
  config: AliyunConfig,
  defaultEndpoint: string,
  action: string,
  query: Record<string, string>,
  now: Date,
  nonce: string,
): ProviderRequest {
  const endpoint = new URL(config.endpoint ?? defaultEndpoint);
  const signed = acs3Sign({
    method: 'POST',
    host: endpoint.host,
    path: '/',
    query,
    action,
    version: VERSION,
    body: '',
    accessKeyId: config.accessKeyId,
    accessKeySecret: config.accessKeySecret,
    now,
    nonce,
  });
  return { url: `${endpoint.origin}/?${signed.query}`, method: 'POST', headers: signed.headers, body: '' };
}

/** The template's parameters as its JSON, each value cut to the variable limit when one applies. */
function templateJson(params: Record<string, string>, limit: number | null): string {
  const cut: Record<string, string> = {};
  for (const [name, value] of Object.entries(params))
    cut[name] = limit === null ? value : limitChars(value, limit);
  return JSON.stringify(cut);
}

/** SendSms to one mainland number (national form: Alibaba takes it without +86). */
export function buildAliyunSms(
  config: AliyunConfig,
  message: ProviderMessage,
  target: string,
  now: Date,
  nonce: string,
): ProviderRequest {
  const phone = requireMobile('Alibaba SMS', target);
  if (!config.signName || !config.templateCode) {
    throw new ProviderRefusal('Alibaba SMS: signName and templateCode are required');
  }
  const query: Record<string, string> = {
    PhoneNumbers: phone,
    SignName: config.signName,
    TemplateCode: config.templateCode,
  };
  if (Object.keys(message.params).length > 0)
    query.TemplateParam = templateJson(message.params, SMS_PARAM_CHARS);
  return signedRequest(config, ALIYUN_SMS_ENDPOINT, 'SendSms', query, now, nonce);
}

/** SingleCallByTts: a text-to-speech call to one mainland number. */
export function buildAliyunVoice(
  config: AliyunConfig,
  message: ProviderMessage,
  target: string,
  now: Date,
  nonce: string,
): ProviderRequest {
  const phone = requireMobile('Alibaba voice', target);
  if (!config.ttsCode) throw new ProviderRefusal('Alibaba voice: ttsCode is required');
  const query: Record<string, string> = {
    CalledNumber: phone,
    TtsCode: config.ttsCode,
    PlayTimes: String(config.playTimes ?? 2),
  };
  if (config.calledShowNumber) query.CalledShowNumber = config.calledShowNumber;
  if (Object.keys(message.params).length > 0) query.TtsParam = templateJson(message.params, null);
  return signedRequest(config, ALIYUN_VOICE_ENDPOINT, 'SingleCallByTts', query, now, nonce);
}

/**
 * Worth another attempt: the gateway's throttling and availability codes (Throttling,
 * Throttling.User, Throttling.Api, ServiceUnavailable, InternalError), the products' own
 * isp.SYSTEM_ERROR (系统错误) and isv.BUSINESS_LIMIT_CONTROL (业务限流: per-number flow control by the
 * minute/hour), SignatureNonceUsed (a fresh attempt carries a fresh nonce), and HTTP 429 or 5xx.
 * Not: InvalidAccessKeyId.NotFound, SignatureDoesNotMatch, isv.SMS_SIGNATURE_ILLEGAL,
 * isv.SMS_TEMPLATE_ILLEGAL, isv.TEMPLATE_MISSING_PARAMETERS, isv.MOBILE_NUMBER_ILLEGAL,
 * isv.AMOUNT_NOT_ENOUGH, isp.RAM_PERMISSION_DENY, isv.TTS_TEMPLATE_ILLEGAL and the rest.
 */
const RETRYABLE = new Set([
  'Throttling',
  'Throttling.User',
  'Throttling.Api',
  'ServiceUnavailable',
  'InternalError',
  'isp.SYSTEM_ERROR',
  'isv.BUSINESS_LIMIT_CONTROL',
  'SignatureNonceUsed',
]);

function readAliyun(provider: string, status: number, body: string): ProviderAnswer {
  const answer = parseObject(body);
  if (answer === null || typeof answer.Code !== 'string') return unreadable(provider, status, body);
  if (answer.Code === 'OK' && status >= 200 && status < 300) return { ok: true, response: body };
  if (answer.Code === 'OK') return unreadable(provider, status, body);
  const retryable = RETRYABLE.has(answer.Code) || status === 429 || status >= 500;
  return failed(provider, answer.Code, answer.Message, retryable, body);
}

/** SendSms answers {Code, Message, RequestId, BizId}; Code "OK" means accepted for delivery. */
export function readAliyunSms(status: number, body: string): ProviderAnswer {
  return readAliyun('Alibaba SMS', status, body);
}

/** SingleCallByTts answers {Code, Message, RequestId, CallId}; Code "OK" means the call is placed. */
export function readAliyunVoice(status: number, body: string): ProviderAnswer {
  return readAliyun('Alibaba voice', status, body);
}
