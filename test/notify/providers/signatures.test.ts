/**
 * The signers against the providers' own published worked examples, byte for byte.
 */
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { acs3Sign } from '../../../server/notify/providers/aliyun.ts';
import { dingTalkSign } from '../../../server/notify/providers/dingtalk.ts';
import { feishuSign } from '../../../server/notify/providers/feishu.ts';
import { tc3Sign } from '../../../server/notify/providers/tencent.ts';
import { hmacSha256 } from './hmac.ts';

describe('Alibaba Cloud ACS3-HMAC-SHA256', () => {
  // "V3版本请求体&签名机制", section 签名示例 (fixed parameter values):
  // https://help.aliyun.com/zh/sdk/product-overview/v3-request-structure-and-signature
  // (English: https://www.alibabacloud.com/help/en/sdk/product-overview/v3-request-structure-and-signature)
  it('reproduces the published RunInstances example', () => {
    const signed = acs3Sign({
      method: 'POST',
      host: 'ecs.cn-shanghai.aliyuncs.com',
      path: '/',
      query: { ImageId: 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd', RegionId: 'cn-shanghai' },
      action: 'RunInstances',
      version: '2014-05-26',
      body: '',
      accessKeyId: 'YourAccessKeyId',
      accessKeySecret: 'YourAccessKeySecret',
      now: new Date('2023-10-26T10:22:32Z'),
      nonce: '3156853299f313e23d1673dc12e1703d',
    });
    const empty = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    expect(signed.canonicalRequest).toBe(
      [
        'POST',
        '/',
        'ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai',
        'host:ecs.cn-shanghai.aliyuncs.com',
        'x-acs-action:RunInstances',
        `x-acs-content-sha256:${empty}`,
        'x-acs-date:2023-10-26T10:22:32Z',
        'x-acs-signature-nonce:3156853299f313e23d1673dc12e1703d',
        'x-acs-version:2014-05-26',
        '',
        'host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version',
        empty,
      ].join('\n'),
    );
    expect(signed.stringToSign).toBe(
      'ACS3-HMAC-SHA256\n7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259',
    );
    expect(signed.headers.authorization).toBe(
      'ACS3-HMAC-SHA256 Credential=YourAccessKeyId,' +
        'SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,' +
        'Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0',
    );
  });

  it('percent-encodes the query as RFC 3986 asks (space %20, * %2A, ~ kept, UTF-8)', () => {
    const signed = acs3Sign({
      method: 'POST',
      host: 'dysmsapi.aliyuncs.com',
      path: '/',
      query: { TemplateParam: '{"name":"张 三*(~)!\'"}' },
      action: 'SendSms',
      version: '2017-05-25',
      body: '',
      accessKeyId: 'id',
      accessKeySecret: 'secret',
      now: new Date('2026-01-01T00:00:00Z'),
      nonce: 'n',
    });
    expect(signed.query).toBe('TemplateParam=%7B%22name%22%3A%22%E5%BC%A0%20%E4%B8%89%2A%28~%29%21%27%22%7D');
  });
});

describe('Tencent Cloud TC3-HMAC-SHA256', () => {
  const payload = '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}';

  // API 3.0 "Signature v3", the DescribeInstances example whose SecretKey the text names
  // (Gu5t9xGARNpq86cd98joQYCN3EXAMPLE) and whose result is 72e494ea…, signing content-type;host:
  // https://www.tencentcloud.com/document/api/382/40467 (the same page under every product).
  it('reproduces the published example end to end, key derivation included', () => {
    const signed = tc3Sign({
      secretId: 'AKID**********************0123456789EXAMPLE',
      secretKey: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE',
      service: 'cvm',
      host: 'cvm.tencentcloudapi.com',
      action: 'DescribeInstances',
      timestamp: 1551113065,
      payload,
      signAction: false,
    });
    expect(createHash('sha256').update(payload).digest('hex')).toBe(
      '35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064',
    );
    expect(signed.canonicalRequest).toBe(
      'POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\n' +
        'content-type;host\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064',
    );
    expect(signed.stringToSign).toBe(
      'TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n' +
        '5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031',
    );
    expect(signed.authorization).toBe(
      'TC3-HMAC-SHA256 Credential=AKID**********************0123456789EXAMPLE/2019-02-25/cvm/tc3_request, ' +
        'SignedHeaders=content-type;host, ' +
        'Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168',
    );
  });

  // "签名方法 v3" as it reads now (x-tc-action signed too; SecretKey masked, so the page publishes
  // the hashed canonical request, the derived SecretSigning key in hex and the signature):
  // https://cloud.tencent.com/document/api/382/52072
  it('reproduces the current example: canonical request hash and signature from the published derived key', () => {
    const signed = tc3Sign({
      secretId: 'AKID********************************',
      secretKey: 'unused: the page masks it',
      service: 'cvm',
      host: 'cvm.tencentcloudapi.com',
      action: 'DescribeInstances',
      timestamp: 1551113065,
      payload,
    });
    expect(signed.canonicalRequest).toBe(
      'POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n' +
        'x-tc-action:describeinstances\n\ncontent-type;host;x-tc-action\n' +
        '35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064',
    );
    expect(signed.stringToSign).toBe(
      'TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n' +
        '7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84',
    );
    const published = Buffer.from('b596b923aad85185e2d1f6659d2a062e0a86731226e021e61bfe06f7ed05f5af', 'hex');
    expect(createHmac('sha256', published).update(signed.stringToSign).digest('hex')).toBe(
      '10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f',
    );
  });

  it('takes the credential date from UTC, not the local (UTC+8) date', () => {
    // 1551113065 is 2019-02-26 00:44:25 in Beijing and still 2019-02-25 in UTC.
    expect(
      tc3Sign({
        secretId: 'id',
        secretKey: 'key',
        service: 'sms',
        host: 'sms.tencentcloudapi.com',
        action: 'SendSms',
        timestamp: 1551113065,
        payload: '{}',
      }).date,
    ).toBe('2019-02-25');
  });
});

describe('robot signatures', () => {
  // DingTalk and Feishu publish the algorithm with sample code but no fixed input/output pair, so
  // these check the signers against the algorithm as documented, with a hand-built HMAC:
  // https://open.dingtalk.com/document/orgapp/customize-robot-security-settings
  // https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot
  it('DingTalk: base64(HMAC-SHA256(key=secret, timestamp\\nsecret))', () => {
    expect(dingTalkSign('SEC0123456789abcdef', '1764921600000')).toBe(
      createHmacBase64('SEC0123456789abcdef', '1764921600000\nSEC0123456789abcdef'),
    );
  });

  it('Feishu: base64(HMAC-SHA256(key=timestamp\\nsecret, empty message))', () => {
    expect(feishuSign('demo-secret', '1764921600')).toBe(createHmacBase64('1764921600\ndemo-secret', ''));
    expect(feishuSign('demo-secret', '1764921600')).not.toBe(
      createHmacBase64('demo-secret', '1764921600\ndemo-secret'),
    );
  });
});

function createHmacBase64(key: string, message: string): string {
  return hmacSha256(Buffer.from(key, 'utf8'), Buffer.from(message, 'utf8')).toString('base64');
}
