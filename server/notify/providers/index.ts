/**
 * The message providers by kind: one place that builds a provider's request, reads its answer and
 * says what is wrong with a configuration before anything is sent.
 */
import { buildAliyunSms, buildAliyunVoice, readAliyunSms, readAliyunVoice } from './aliyun.ts';
import { checkUrl } from './common.ts';
import { buildDingTalk, readDingTalk } from './dingtalk.ts';
import { buildFeishu, readFeishu } from './feishu.ts';
import { buildTencentSms, buildTencentVoice, readTencentSms, readTencentVoice } from './tencent.ts';
import type {
  AliyunConfig,
  ProviderAnswer,
  ProviderMessage,
  ProviderRequest,
  RobotConfig,
  TencentConfig,
} from './types.ts';
import { ProviderRefusal } from './types.ts';
import { buildWeCom, readWeCom } from './wecom.ts';

export { mainlandMobile } from './common.ts';
export * from './types.ts';

export const PROVIDER_KINDS = [
  'dingtalk',
  'wecom',
  'feishu',
  'sms_aliyun',
  'sms_tencent',
  'voice_aliyun',
  'voice_tencent',
] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export interface ProviderConfigs {
  dingtalk: RobotConfig;
  wecom: RobotConfig;
  feishu: RobotConfig;
  sms_aliyun: AliyunConfig;
  sms_tencent: TencentConfig;
  voice_aliyun: AliyunConfig;
  voice_tencent: TencentConfig;
}

export interface ValidateOptions {
  /** Host names whose webhook or endpoint may use plain http (a test's loopback receiver). */
  allowHttp?: readonly string[];
}

type Builder<K extends ProviderKind> = (
  config: ProviderConfigs[K],
  message: ProviderMessage,
  target: string,
  now: Date,
  nonce: string,
) => ProviderRequest;

const BUILDERS: { [K in ProviderKind]: Builder<K> } = {
  dingtalk: buildDingTalk,
  wecom: buildWeCom,
  feishu: buildFeishu,
  sms_aliyun: buildAliyunSms,
  sms_tencent: buildTencentSms,
  voice_aliyun: buildAliyunVoice,
  voice_tencent: buildTencentVoice,
};

const READERS: Record<ProviderKind, (status: number, body: string) => ProviderAnswer> = {
  dingtalk: readDingTalk,
  wecom: readWeCom,
  feishu: readFeishu,
  sms_aliyun: readAliyunSms,
  sms_tencent: readTencentSms,
  voice_aliyun: readAliyunVoice,
  voice_tencent: readTencentVoice,
};

/**
 * The provider's request for one message to one target (a phone number for SMS and voice; the
 * robots ignore it). Throws ProviderRefusal, naming the field, for a configuration validateConfig
 * refuses or a number that is not a mainland mobile number.
 */
export function buildRequest<K extends ProviderKind>(
  kind: K,
  config: ProviderConfigs[K],
  message: ProviderMessage,
  target: string,
  now: Date,
  nonce: string,
  options: ValidateOptions = {},
): ProviderRequest {
  const reason = validateConfig(kind, config, options);
  if (reason !== null) throw new ProviderRefusal(reason);
  return BUILDERS[kind](config, message, target, now, nonce);
}

/** What the provider's answer (HTTP status and body) means. */
export function readAnswer(kind: ProviderKind, status: number, body: string): ProviderAnswer {
  return READERS[kind](status, body);
}

function text(config: Record<string, unknown>, field: string, required: boolean): string | null {
  const value = config[field];
  if (value === undefined) return required ? `${field} is required` : null;
  if (typeof value !== 'string' || value.trim() === '') return `${field} must be a non-empty string`;
  if (/[\r\n]/.test(value)) return `${field} must be one line`;
  return null;
}

function playTimes(config: Record<string, unknown>): string | null {
  const value = config.playTimes;
  if (value === undefined) return null;
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 3
    ? null
    : 'playTimes must be 1, 2 or 3';
}

function robot(
  kind: ProviderKind,
  config: Record<string, unknown>,
  allowHttp: readonly string[],
): string | null {
  const checked = checkUrl('webhook', config.webhook, allowHttp);
  if (checked.url === null) return checked.reason;
  const { url } = checked;
  if (kind === 'dingtalk' && !url.searchParams.get('access_token')) return 'webhook has no access_token';
  if (kind === 'dingtalk' && (url.searchParams.has('timestamp') || url.searchParams.has('sign'))) {
    return 'webhook must not carry timestamp or sign (they are computed for each message)';
  }
  if (kind === 'wecom' && !url.searchParams.get('key')) return 'webhook has no key';
  if (kind === 'feishu' && !/^\/open-apis\/bot\/v2\/hook\/[^/]+$/.test(url.pathname)) {
    return 'webhook is not a /open-apis/bot/v2/hook/<token> address';
  }
  if (config.secret !== undefined) {
    if (kind === 'wecom') return 'secret: WeCom group robots have no signing secret';
    const reason = text(config, 'secret', false);
    if (reason !== null) return reason;
    if (kind === 'dingtalk' && !(config.secret as string).startsWith('SEC'))
      return 'secret must start with SEC';
  }
  if (config.style !== undefined && config.style !== 'markdown' && config.style !== 'card') {
    return 'style must be "markdown" or "card"';
  }
  return null;
}

function endpoint(config: Record<string, unknown>, allowHttp: readonly string[]): string | null {
  if (config.endpoint === undefined) return null;
  const checked = checkUrl('endpoint', config.endpoint, allowHttp);
  if (checked.url === null) return checked.reason;
  if (checked.url.pathname !== '/' || checked.url.search !== '' || checked.url.hash !== '') {
    return 'endpoint must be a bare https://host[:port] address';
  }
  return null;
}

function first(...reasons: (string | null)[]): string | null {
  return reasons.find((reason) => reason !== null) ?? null;
}

/** Null when the configuration can be used for this kind, else a clear reason naming the field. */
export function validateConfig(
  kind: ProviderKind,
  config: unknown,
  options: ValidateOptions = {},
): string | null {
  if (!(PROVIDER_KINDS as readonly string[]).includes(kind)) return `unknown provider kind ${String(kind)}`;
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    return 'configuration must be an object';
  const fields = config as Record<string, unknown>;
  const allowHttp = options.allowHttp ?? [];
  switch (kind) {
    case 'dingtalk':
    case 'wecom':
    case 'feishu':
      return robot(kind, fields, allowHttp);
    case 'sms_aliyun':
    case 'voice_aliyun': {
      const voice = kind === 'voice_aliyun';
      return first(
        text(fields, 'accessKeyId', true),
        text(fields, 'accessKeySecret', true),
        text(fields, 'signName', !voice),
        text(fields, 'templateCode', !voice),
        text(fields, 'ttsCode', voice),
        text(fields, 'calledShowNumber', false),
        playTimes(fields),
        endpoint(fields, allowHttp),
      );
    }
    case 'sms_tencent':
    case 'voice_tencent': {
      const voice = kind === 'voice_tencent';
      const order = fields.templateParamOrder;
      const orderReason =
        order === undefined ||
        (Array.isArray(order) && order.every((name) => typeof name === 'string' && name !== ''))
          ? null
          : 'templateParamOrder must be a list of parameter names';
      return first(
        text(fields, 'secretId', true),
        text(fields, 'secretKey', true),
        text(fields, 'region', false),
        text(fields, 'smsSdkAppId', !voice),
        text(fields, 'signName', !voice),
        text(fields, 'templateId', !voice),
        text(fields, 'voiceSdkAppId', voice),
        text(fields, 'voiceTemplateId', voice),
        playTimes(fields),
        orderReason,
        endpoint(fields, allowHttp),
      );
    }
  }
}
