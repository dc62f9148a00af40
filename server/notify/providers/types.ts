/**
 * The shapes every message provider shares: what an alert message says, the one HTTP request a
 * provider needs to carry it, and what the provider's answer means. Builders and readers are pure:
 * the clock and the nonce come in as arguments, so a request is reproducible byte for byte and the
 * sending (timeouts, address policy, retries) stays with the caller.
 */
import type { Severity } from '../../../devices/alerts.ts';

/** What one alert message says, ready for any provider. */
export interface ProviderMessage {
  /** One line, e.g. "【紧急】张三 SOS 求救". */
  title: string;
  /** Plain-text lines: who, what, where, when, what has been done. */
  lines: string[];
  /** The page that acts on the alert (may be null). */
  link: string | null;
  severity: Severity;
  /** SMS and voice templates' parameters, by the names the centre's template uses. */
  params: Record<string, string>;
}

export interface ProviderRequest {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
}

export type ProviderAnswer =
  | { ok: true; response: string; cost?: string }
  | { ok: false; retryable: boolean; error: string; response?: string };

/** A group robot: DingTalk custom robot, WeCom group robot, Feishu custom bot. */
export interface RobotConfig {
  /** The webhook address the group's robot settings show. */
  webhook: string;
  /** The signing secret of the robot's "加签" / "签名校验" setting, when it is on. */
  secret?: string;
  /** A markdown message (default) or a card with a button to the alert's page. */
  style?: 'markdown' | 'card';
}

export type DingTalkConfig = RobotConfig;
export type WeComConfig = RobotConfig;
export type FeishuConfig = RobotConfig;

/** Alibaba Cloud SMS (dysmsapi) and voice (dyvmsapi), both 2017-05-25, signed ACS3-HMAC-SHA256. */
export interface AliyunConfig {
  accessKeyId: string;
  accessKeySecret: string;
  /** SMS: the approved signature (签名名称). */
  signName?: string;
  /** SMS: the approved template (模板 CODE, "SMS_…"). */
  templateCode?: string;
  /** Voice: the approved text-to-speech template (TtsCode, "TTS_…"). */
  ttsCode?: string;
  /** Voice: the number the callee sees; the platform's public number pool when absent. */
  calledShowNumber?: string;
  /** Voice: how many times the message is played, 1 to 3 (default 2). */
  playTimes?: number;
  /** The service address, `https://host[:port]`; default the product's public host. */
  endpoint?: string;
}

/** Tencent Cloud SMS (2021-01-11) and voice messages (VMS, 2020-09-02), signed TC3-HMAC-SHA256. */
export interface TencentConfig {
  secretId: string;
  secretKey: string;
  /** X-TC-Region; default ap-guangzhou. */
  region?: string;
  smsSdkAppId?: string;
  signName?: string;
  templateId?: string;
  voiceSdkAppId?: string;
  voiceTemplateId?: string;
  /** Voice: how many times the message is played, 1 to 3 (default 2). */
  playTimes?: number;
  /**
   * Tencent templates take their parameters by position ({1}, {2}, …): the message's named
   * parameters in this order. Without it the message's own order is used.
   */
  templateParamOrder?: string[];
  /** The service address, `https://host[:port]`; default the product's public host. */
  endpoint?: string;
}

/** A request that cannot be built: bad configuration or a target number no provider accepts. */
export class ProviderRefusal extends Error {
  override name = 'ProviderRefusal';
}
