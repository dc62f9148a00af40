/**
 * One local HTTP server (node:http on 127.0.0.1, port 0) that plays all seven providers. It checks
 * each request the way the provider documents it, recomputing every signature from the bytes it
 * received with its own implementation (nothing here imports server/notify/providers), and answers
 * in the provider's own format: success, or the provider's error for what it found wrong. A test can
 * queue an answer (throttling, system busy) to be given to the next request that verifies.
 *
 *   DingTalk  POST /robot/send?access_token=…[&timestamp=…&sign=…]
 *   WeCom     POST /cgi-bin/webhook/send?key=…
 *   Feishu    POST /open-apis/bot/v2/hook/<token>
 *   Alibaba   POST /?<parameters>  with x-acs-action SendSms | SingleCallByTts
 *   Tencent   POST /               with x-tc-action SendSms | SendTtsVoice
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  provider: 'dingtalk' | 'wecom' | 'feishu' | 'aliyun' | 'tencent';
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  json: Record<string, unknown> | null;
  /** What the check found wrong, or null when the request is as the provider documents it. */
  problem: string | null;
  status: number;
  answer: string;
}

export interface Credentials {
  dingtalk: { token: string; secret: string | null };
  wecom: { key: string };
  feishu: { token: string; secret: string | null };
  aliyun: { accessKeyId: string; accessKeySecret: string };
  tencent: { secretId: string; secretKey: string };
}

export interface FakeProviders {
  origin: string;
  received: Received[];
  /** The next verified request of this provider gets this answer instead of success. */
  queue(provider: Received['provider'], status: number, answer: unknown): void;
  stop(): Promise<void>;
}

const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function header(request: IncomingMessage, name: string): string {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

function parseJson(body: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

// ---- DingTalk: https://open.dingtalk.com/document/orgapp/customize-robot-security-settings
function checkDingTalk(
  url: URL,
  json: Record<string, unknown> | null,
  credentials: Credentials,
): string | null {
  if (url.searchParams.get('access_token') !== credentials.dingtalk.token) return 'token';
  const secret = credentials.dingtalk.secret;
  if (secret !== null) {
    const timestamp = url.searchParams.get('timestamp') ?? '';
    const given = url.searchParams.get('sign') ?? '';
    if (!/^\d{13}$/.test(timestamp) || Math.abs(Date.now() - Number(timestamp)) > 3_600_000) return 'sign';
    const mac = createHmac('sha256', Buffer.from(secret, 'utf8'));
    mac.update(Buffer.from(`${timestamp}\n${secret}`, 'utf8'));
    if (!sameText(given, mac.digest('base64'))) return 'sign';
  }
  if (json === null) return 'json';
  if (json.msgtype === 'markdown') {
    const markdown = json.markdown as Record<string, unknown> | undefined;
    if (typeof markdown?.title !== 'string' || typeof markdown.text !== 'string') return 'json';
  } else if (json.msgtype === 'actionCard') {
    const card = json.actionCard as Record<string, unknown> | undefined;
    for (const field of ['title', 'text', 'singleTitle', 'singleURL']) {
      if (typeof card?.[field] !== 'string') return 'json';
    }
  } else return 'msgtype';
  return null;
}

const DINGTALK_ERRORS: Record<string, unknown> = {
  token: { errcode: 300005, errmsg: 'token is not exist' },
  sign: {
    errcode: 310000,
    errmsg: 'sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]',
  },
  json: { errcode: 40035, errmsg: '缺少参数 json' },
  msgtype: { errcode: 40044, errmsg: 'invalid message type' },
};

// ---- WeCom: https://developer.work.weixin.qq.com/document/path/91770
function checkWeCom(url: URL, json: Record<string, unknown> | null, credentials: Credentials): string | null {
  if (url.searchParams.get('key') !== credentials.wecom.key) return 'key';
  if (json === null) return 'json';
  if (json.msgtype === 'markdown') {
    const content = (json.markdown as Record<string, unknown> | undefined)?.content;
    if (typeof content !== 'string') return 'json';
    if (Buffer.byteLength(content, 'utf8') > 4096) return 'size';
  } else if (json.msgtype === 'template_card') {
    const card = json.template_card as Record<string, unknown> | undefined;
    const action = card?.card_action as Record<string, unknown> | undefined;
    if (card?.card_type !== 'text_notice' || action?.type !== 1 || typeof action.url !== 'string')
      return 'json';
  } else return 'msgtype';
  return null;
}

const WECOM_ERRORS: Record<string, unknown> = {
  key: { errcode: 93000, errmsg: 'invalid webhook url, hint: [1733400000_1_abcdef], from ip: 127.0.0.1' },
  json: { errcode: 40058, errmsg: 'invalid parameter' },
  size: { errcode: 45002, errmsg: 'content size exceed limit' },
  msgtype: { errcode: 40008, errmsg: 'invalid message type' },
};

// ---- Feishu: https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot
function checkFeishu(
  url: URL,
  json: Record<string, unknown> | null,
  credentials: Credentials,
): string | null {
  if (url.pathname !== `/open-apis/bot/v2/hook/${credentials.feishu.token}`) return 'token';
  if (json === null) return 'json';
  const secret = credentials.feishu.secret;
  if (secret !== null) {
    const timestamp = json.timestamp;
    if (typeof timestamp !== 'string' || !/^\d{10}$/.test(timestamp)) return 'sign';
    if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 3600) return 'sign';
    // Keyed by "timestamp\nsecret", over nothing at all.
    const expected = createHmac('sha256', Buffer.from(`${timestamp}\n${secret}`, 'utf8')).digest('base64');
    if (typeof json.sign !== 'string' || !sameText(json.sign, expected)) return 'sign';
  }
  if (json.msg_type === 'interactive') {
    const card = json.card as Record<string, unknown> | undefined;
    if (!Array.isArray(card?.elements)) return 'json';
  } else if (json.msg_type === 'post') {
    const post = (json.content as Record<string, unknown> | undefined)?.post as
      | Record<string, unknown>
      | undefined;
    if (!Array.isArray((post?.zh_cn as Record<string, unknown> | undefined)?.content)) return 'json';
  } else return 'json';
  return null;
}

const FEISHU_ERRORS: Record<string, unknown> = {
  token: { code: 19001, data: {}, msg: 'param invalid: incoming webhook access token invalid' },
  sign: {
    code: 19021,
    data: {},
    msg: 'sign match fail or timestamp is not within one hour from current time',
  },
  json: { code: 9499, data: {}, msg: 'Bad Request' },
};

// ---- Alibaba Cloud V3: https://help.aliyun.com/zh/sdk/product-overview/v3-request-structure-and-signature
/** RFC 3986 unreserved characters stay; every other byte of UTF-8 becomes %XY. */
function rfc3986(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const character = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(character)
      ? character
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function checkAliyun(
  request: IncomingMessage,
  url: URL,
  body: string,
  credentials: Credentials,
): string | null {
  const authorization = header(request, 'authorization');
  const match = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})$/.exec(
    authorization,
  );
  if (match === null) return 'IncompleteSignature';
  const [, keyId, signedHeaders, given] = match as unknown as [string, string, string, string];
  if (keyId !== credentials.aliyun.accessKeyId) return 'InvalidAccessKeyId.NotFound';
  const date = header(request, 'x-acs-date');
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(date)) return 'InvalidTimeStamp.Format';
  if (Math.abs(Date.parse(date) - Date.now()) > 15 * 60_000) return 'InvalidTimeStamp.Expired';
  if (header(request, 'x-acs-signature-nonce') === '') return 'MissingSignatureNonce';
  if (header(request, 'x-acs-content-sha256') !== sha256Hex(body)) return 'SignatureDoesNotMatch';
  const names = signedHeaders.split(';');
  // Every common header present must be signed, Authorization excepted.
  for (const name of Object.keys(request.headers)) {
    if ((name === 'host' || name.startsWith('x-acs-')) && !names.includes(name))
      return 'SignatureDoesNotMatch';
  }
  if ([...names].sort().join(';') !== signedHeaders) return 'SignatureDoesNotMatch';
  const pairs: [string, string][] = [];
  for (const part of url.search.slice(1).split('&')) {
    if (part === '') continue;
    const at = part.indexOf('=');
    const name = decodeURIComponent(at < 0 ? part : part.slice(0, at));
    const value = at < 0 ? '' : decodeURIComponent(part.slice(at + 1));
    pairs.push([name, value]);
  }
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonicalQuery = pairs.map(([name, value]) => `${rfc3986(name)}=${rfc3986(value)}`).join('&');
  const canonicalHeaders = names.map((name) => `${name}:${header(request, name).trim()}\n`).join('');
  const canonical = `POST\n${url.pathname}\n${canonicalQuery}\n${canonicalHeaders}\n${signedHeaders}\n${sha256Hex(body)}`;
  const expected = createHmac('sha256', credentials.aliyun.accessKeySecret)
    .update(`ACS3-HMAC-SHA256\n${sha256Hex(canonical)}`)
    .digest('hex');
  if (!sameText(given, expected)) return 'SignatureDoesNotMatch';
  const version = header(request, 'x-acs-version');
  const action = header(request, 'x-acs-action');
  if (version !== '2017-05-25') return 'InvalidVersion';
  const parameters = new Map(pairs);
  if (action === 'SendSms') {
    if (!/^1[3-9]\d{9}$/.test(parameters.get('PhoneNumbers') ?? '')) return 'isv.MOBILE_NUMBER_ILLEGAL';
    if (!parameters.get('SignName')) return 'isv.SMS_SIGNATURE_ILLEGAL';
    if (!/^SMS_\d+$/.test(parameters.get('TemplateCode') ?? '')) return 'isv.SMS_TEMPLATE_ILLEGAL';
    const template = parseJson(parameters.get('TemplateParam') ?? '{}');
    if (template === null) return 'isv.INVALID_JSON_PARAM';
    for (const value of Object.values(template)) {
      if (typeof value !== 'string' || [...value].length > 35) return 'isv.PARAM_LENGTH_LIMIT';
    }
  } else if (action === 'SingleCallByTts') {
    if (!/^1[3-9]\d{9}$/.test(parameters.get('CalledNumber') ?? '')) return 'isv.MOBILE_NUMBER_ILLEGAL';
    if (!/^TTS_\d+$/.test(parameters.get('TtsCode') ?? '')) return 'isv.TTS_TEMPLATE_ILLEGAL';
    if (!/^[123]$/.test(parameters.get('PlayTimes') ?? '1')) return 'isv.INVALID_PARAMETERS';
  } else return 'InvalidAction.NotFound';
  return null;
}

// ---- Tencent Cloud TC3: https://cloud.tencent.com/document/api/382/52072
function checkTencent(request: IncomingMessage, body: string, credentials: Credentials): string | null {
  const authorization = header(request, 'authorization');
  const match =
    /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d\d-\d\d)\/([a-z]+)\/tc3_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
  if (match === null) return 'AuthFailure.InvalidAuthorization';
  const [, secretId, date, service, signedHeaders, given] = match as unknown as string[];
  if (secretId !== credentials.tencent.secretId) return 'AuthFailure.SecretIdNotFound';
  const timestamp = header(request, 'x-tc-timestamp');
  if (!/^\d+$/.test(timestamp) || Math.abs(Number(timestamp) - Date.now() / 1000) > 300) {
    return 'AuthFailure.SignatureExpire';
  }
  if (new Date(Number(timestamp) * 1000).toISOString().slice(0, 10) !== date)
    return 'AuthFailure.SignatureFailure';
  const action = header(request, 'x-tc-action');
  const expectedService = action === 'SendSms' ? 'sms' : action === 'SendTtsVoice' ? 'vms' : '';
  if (service !== expectedService) return 'AuthFailure.SignatureFailure';
  const names = (signedHeaders ?? '').split(';');
  if (!names.includes('content-type') || !names.includes('host')) return 'AuthFailure.SignatureFailure';
  const canonicalHeaders = names
    .map((name) => `${name}:${header(request, name).trim().toLowerCase()}\n`)
    .join('');
  const canonical = `POST\n/\n\n${canonicalHeaders}\n${signedHeaders}\n${sha256Hex(body)}`;
  const stringToSign = `TC3-HMAC-SHA256\n${timestamp}\n${date}/${service}/tc3_request\n${sha256Hex(canonical)}`;
  let key: Buffer = Buffer.from(`TC3${credentials.tencent.secretKey}`, 'utf8');
  for (const part of [date, service, 'tc3_request'])
    key = createHmac('sha256', key)
      .update(part ?? '')
      .digest();
  if (!sameText(given ?? '', createHmac('sha256', key).update(stringToSign).digest('hex'))) {
    return 'AuthFailure.SignatureFailure';
  }
  if (header(request, 'content-type') !== 'application/json; charset=utf-8') return 'InvalidParameter';
  const json = parseJson(body);
  if (json === null) return 'InvalidParameter';
  if (action === 'SendSms') {
    if (header(request, 'x-tc-version') !== '2021-01-11') return 'InvalidAction';
    if (!header(request, 'x-tc-region')) return 'InvalidParameter';
    const numbers = json.PhoneNumberSet;
    if (
      !Array.isArray(numbers) ||
      !numbers.every((n) => typeof n === 'string' && /^\+861[3-9]\d{9}$/.test(n))
    ) {
      return 'InvalidParameterValue.IncorrectPhoneNumber';
    }
    for (const field of ['SmsSdkAppId', 'SignName', 'TemplateId']) {
      if (typeof json[field] !== 'string') return 'MissingParameter';
    }
    const params = json.TemplateParamSet;
    if (!Array.isArray(params) || !params.every((p) => typeof p === 'string')) return 'InvalidParameterValue';
  } else {
    if (header(request, 'x-tc-version') !== '2020-09-02') return 'InvalidAction';
    if (typeof json.CalledNumber !== 'string' || !/^\+861[3-9]\d{9}$/.test(json.CalledNumber)) {
      return 'InvalidParameterValue.IncorrectPhoneNumber';
    }
    for (const field of ['TemplateId', 'VoiceSdkAppid']) {
      if (typeof json[field] !== 'string') return 'MissingParameter';
    }
    if (typeof json.PlayTimes !== 'number') return 'InvalidParameterValue';
  }
  return null;
}

let requestNumber = 0;
const requestId = (): string => `a0f3c7e2-0000-4000-8000-${String(++requestNumber).padStart(12, '0')}`;

export async function startFakeProviders(credentials: Credentials): Promise<FakeProviders> {
  const received: Received[] = [];
  const queued = new Map<Received['provider'], { status: number; answer: unknown }[]>();
  const take = (provider: Received['provider']) => queued.get(provider)?.shift();

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(request.url ?? '/', 'http://placeholder');
      const json = parseJson(body);
      let provider: Received['provider'];
      let problem: string | null;
      let status = 200;
      let answer: unknown;
      if (url.pathname === '/robot/send') {
        provider = 'dingtalk';
        problem = checkDingTalk(url, json, credentials);
        answer = problem === null ? { errcode: 0, errmsg: 'ok' } : DINGTALK_ERRORS[problem];
      } else if (url.pathname === '/cgi-bin/webhook/send') {
        provider = 'wecom';
        problem = checkWeCom(url, json, credentials);
        answer = problem === null ? { errcode: 0, errmsg: 'ok' } : WECOM_ERRORS[problem];
      } else if (url.pathname.startsWith('/open-apis/bot/v2/hook/')) {
        provider = 'feishu';
        problem = checkFeishu(url, json, credentials);
        answer = problem === null ? { code: 0, data: {}, msg: 'success' } : FEISHU_ERRORS[problem];
      } else if (request.headers['x-acs-action'] !== undefined) {
        provider = 'aliyun';
        problem = checkAliyun(request, url, body, credentials);
        const action = header(request, 'x-acs-action');
        if (problem === null) {
          answer =
            action === 'SendSms'
              ? { Message: 'OK', RequestId: requestId(), Code: 'OK', BizId: '900619746936498440^0' }
              : { Message: 'OK', RequestId: requestId(), Code: 'OK', CallId: '116012354148^10281378****' };
        } else {
          // The gateway's own refusals (signature, key, time) come with HTTP 4xx; product
          // refusals (isv.*) come with HTTP 200.
          status = problem.startsWith('isv.') ? 200 : problem === 'InvalidAccessKeyId.NotFound' ? 404 : 400;
          answer = {
            RequestId: requestId(),
            Message: `${problem} found by the verifier`,
            Recommend: 'https://api.aliyun.com/troubleshoot',
            HostId: action === 'SendSms' ? 'dysmsapi.aliyuncs.com' : 'dyvmsapi.aliyuncs.com',
            Code: problem,
          };
        }
      } else {
        provider = 'tencent';
        problem = checkTencent(request, body, credentials);
        const action = header(request, 'x-tc-action');
        if (problem !== null) {
          answer = {
            Response: {
              Error: { Code: problem, Message: `${problem} found by the verifier` },
              RequestId: requestId(),
            },
          };
        } else if (action === 'SendSms') {
          answer = {
            Response: {
              SendStatusSet: ((json?.PhoneNumberSet ?? []) as string[]).map((phone) => ({
                SerialNo: '5000:1045710669157053657849499619',
                PhoneNumber: phone,
                Fee: 1,
                SessionContext: '',
                Code: 'Ok',
                Message: 'send success',
                IsoCode: 'CN',
              })),
              RequestId: requestId(),
            },
          };
        } else {
          answer = {
            Response: {
              SendStatus: { CallId: 'Cbd6b6bf5-1b49-4b4d-9d36-8b8a2d7c1c5f', SessionContext: '' },
              RequestId: requestId(),
            },
          };
        }
      }
      if (problem === null) {
        const next = take(provider);
        if (next !== undefined) {
          status = next.status;
          answer = next.answer;
        }
      }
      const text = typeof answer === 'string' ? answer : JSON.stringify(answer);
      received.push({
        provider,
        path: url.pathname,
        query: url.searchParams,
        headers: request.headers,
        body,
        json,
        problem,
        status,
        answer: text,
      });
      response.writeHead(status, { 'content-type': 'application/json;charset=utf-8' });
      response.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    queue(provider, status, answer) {
      const list = queued.get(provider) ?? [];
      list.push({ status, answer });
      queued.set(provider, list);
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
