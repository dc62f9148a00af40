/**
 * What is refused before anything is sent (configurations, phone numbers), how text is cut to a
 * provider's limit, and how answers that are not a clean success are read.
 */
import { describe, expect, it } from 'vitest';
import { limitChars, limitUtf8Bytes } from '../../../server/notify/providers/common.ts';
import {
  buildRequest,
  mainlandMobile,
  type ProviderMessage,
  ProviderRefusal,
  readAnswer,
  validateConfig,
} from '../../../server/notify/providers/index.ts';

const message: ProviderMessage = {
  title: '【高】李四 离床超时',
  lines: ['老人：李四'],
  link: null,
  severity: 'high',
  params: { name: '李四' },
};
const aliyun = { accessKeyId: 'id', accessKeySecret: 'secret', signName: '中心', templateCode: 'SMS_1' };
const tencent = {
  secretId: 'id',
  secretKey: 'key',
  smsSdkAppId: '1400006666',
  signName: '中心',
  templateId: '1',
};
const now = new Date('2026-12-05T08:00:00Z');

describe('configurations', () => {
  it('accepts complete configurations', () => {
    expect(
      validateConfig('dingtalk', { webhook: 'https://oapi.dingtalk.com/robot/send?access_token=abc' }),
    ).toBeNull();
    expect(
      validateConfig('wecom', {
        webhook: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k',
        style: 'card',
      }),
    ).toBeNull();
    expect(
      validateConfig('feishu', { webhook: 'https://open.feishu.cn/open-apis/bot/v2/hook/t0k', secret: 's' }),
    ).toBeNull();
    expect(validateConfig('sms_aliyun', aliyun)).toBeNull();
    expect(
      validateConfig('voice_aliyun', { accessKeyId: 'id', accessKeySecret: 's', ttsCode: 'TTS_1' }),
    ).toBeNull();
    expect(validateConfig('sms_tencent', tencent)).toBeNull();
    expect(
      validateConfig('voice_tencent', {
        secretId: 'i',
        secretKey: 'k',
        voiceSdkAppId: '1',
        voiceTemplateId: '2',
      }),
    ).toBeNull();
  });

  it.each([
    ['dingtalk', {}, 'webhook is required'],
    ['dingtalk', { webhook: 'http://oapi.dingtalk.com/robot/send?access_token=a' }, 'webhook must use https'],
    ['dingtalk', { webhook: 'https://oapi.dingtalk.com/robot/send' }, 'webhook has no access_token'],
    [
      'dingtalk',
      { webhook: 'https://oapi.dingtalk.com/robot/send?access_token=a', secret: 'abc' },
      'secret must start with SEC',
    ],
    ['dingtalk', { webhook: 'not a url' }, 'webhook is not a valid URL'],
    ['wecom', { webhook: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send' }, 'webhook has no key'],
    [
      'wecom',
      { webhook: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k', secret: 's' },
      'secret: WeCom group robots have no signing secret',
    ],
    [
      'feishu',
      { webhook: 'https://open.feishu.cn/other' },
      'webhook is not a /open-apis/bot/v2/hook/<token> address',
    ],
    [
      'feishu',
      { webhook: 'https://open.feishu.cn/open-apis/bot/v2/hook/t', style: 'fancy' },
      'style must be "markdown" or "card"',
    ],
    ['sms_aliyun', { ...aliyun, accessKeySecret: '' }, 'accessKeySecret must be a non-empty string'],
    ['sms_aliyun', { accessKeyId: 'id', accessKeySecret: 's' }, 'signName is required'],
    ['sms_aliyun', { ...aliyun, endpoint: 'http://dysmsapi.aliyuncs.com' }, 'endpoint must use https'],
    [
      'sms_aliyun',
      { ...aliyun, endpoint: 'https://dysmsapi.aliyuncs.com/x' },
      'endpoint must be a bare https://host[:port] address',
    ],
    ['voice_aliyun', { accessKeyId: 'id', accessKeySecret: 's' }, 'ttsCode is required'],
    [
      'voice_aliyun',
      { accessKeyId: 'id', accessKeySecret: 's', ttsCode: 'T', playTimes: 4 },
      'playTimes must be 1, 2 or 3',
    ],
    ['sms_tencent', { ...tencent, smsSdkAppId: undefined }, 'smsSdkAppId is required'],
    [
      'sms_tencent',
      { ...tencent, templateParamOrder: 'name' },
      'templateParamOrder must be a list of parameter names',
    ],
    ['voice_tencent', { secretId: 'i', secretKey: 'k', voiceSdkAppId: '1' }, 'voiceTemplateId is required'],
    ['sms_tencent', null, 'configuration must be an object'],
  ] as const)('%s refuses %j: %s', (kind, config, reason) => {
    expect(validateConfig(kind, config)).toBe(reason);
  });

  it('allows plain http only for the hosts the caller names', () => {
    const local = { webhook: 'http://127.0.0.1:8080/robot/send?access_token=a' };
    expect(validateConfig('dingtalk', local)).toBe('webhook must use https');
    expect(validateConfig('dingtalk', local, { allowHttp: ['127.0.0.1'] })).toBeNull();
    expect(
      validateConfig(
        'sms_aliyun',
        { ...aliyun, endpoint: 'http://127.0.0.1:9' },
        { allowHttp: ['127.0.0.1'] },
      ),
    ).toBeNull();
  });

  it('buildRequest refuses what validateConfig refuses, naming the field', () => {
    expect(() =>
      buildRequest(
        'sms_aliyun',
        { accessKeyId: 'id', accessKeySecret: '' },
        message,
        '13800138000',
        now,
        'n',
      ),
    ).toThrow(new ProviderRefusal('accessKeySecret must be a non-empty string'));
  });

  it('a Tencent template parameter the order names but the message lacks is refused', () => {
    expect(() =>
      buildRequest(
        'sms_tencent',
        { ...tencent, templateParamOrder: ['name', 'room'] },
        message,
        '13800138000',
        now,
        'n',
      ),
    ).toThrow('Tencent SMS: template parameter "room" is missing');
  });
});

describe('phone numbers', () => {
  it.each([
    ['13800138000', '13800138000'],
    ['+8613800138000', '13800138000'],
    ['8619912345678', '19912345678'],
    ['+86 138-0013-8000', '13800138000'],
  ])('%s is %s', (input, national) => {
    expect(mainlandMobile(input)).toBe(national);
  });

  it.each(['1380013800', '12800138000', '+85213800138000', '023-12345678', '138001380001', '', '+86'])(
    '%j is refused by every SMS and voice provider',
    (input) => {
      expect(mainlandMobile(input)).toBeNull();
      expect(() => buildRequest('sms_aliyun', aliyun, message, input, now, 'n')).toThrow(
        /not a mainland mobile number/,
      );
      expect(() => buildRequest('sms_tencent', tencent, message, input, now, 'n')).toThrow(
        /not a mainland mobile number/,
      );
      expect(() =>
        buildRequest('voice_aliyun', { ...aliyun, ttsCode: 'TTS_1' }, message, input, now, 'n'),
      ).toThrow(/not a mainland mobile number/);
      expect(() =>
        buildRequest(
          'voice_tencent',
          { ...tencent, voiceSdkAppId: '1', voiceTemplateId: '2' },
          message,
          input,
          now,
          'n',
        ),
      ).toThrow(/not a mainland mobile number/);
    },
  );

  it('each provider gets the form it documents: Alibaba national, Tencent +86', () => {
    const ali = buildRequest('sms_aliyun', aliyun, message, '+8613800138000', now, 'n');
    expect(new URL(ali.url).searchParams.get('PhoneNumbers')).toBe('13800138000');
    const ten = buildRequest('sms_tencent', tencent, message, '13800138000', now, 'n');
    expect(JSON.parse(ten.body).PhoneNumberSet).toEqual(['+8613800138000']);
  });
});

describe('cutting text', () => {
  it('never splits a surrogate pair or a combining sequence', () => {
    // 34 plain characters, then an astral character that would be the 35th and 36th UTF-16 units.
    const text = `${'床'.repeat(33)}𠀀𠀀尾`;
    const cut = limitChars(text, 35);
    expect([...cut].length).toBeLessThanOrEqual(35);
    expect(cut).toBe(`${'床'.repeat(33)}𠀀…`);
    const combining = `${'a'.repeat(33)}e\u0301e\u0301`;
    expect(limitChars(combining, 35)).toBe(`${'a'.repeat(33)}…`);
    expect(limitChars('短', 35)).toBe('短');
  });

  it('cuts UTF-8 by bytes between whole characters', () => {
    const cut = limitUtf8Bytes('告警'.repeat(1000), 100);
    expect(Buffer.byteLength(cut, 'utf8')).toBeLessThanOrEqual(100);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut).not.toContain('\uFFFD');
  });
});

describe('reading answers', () => {
  it('an answer that is not the provider JSON: 5xx and 429 retryable, others not', () => {
    expect(readAnswer('dingtalk', 502, '<html>Bad Gateway</html>')).toMatchObject({
      ok: false,
      retryable: true,
      error: "DingTalk HTTP 502: answer is not the provider's JSON",
    });
    expect(readAnswer('sms_tencent', 429, '')).toMatchObject({ ok: false, retryable: true });
    expect(readAnswer('feishu', 404, 'not found')).toMatchObject({ ok: false, retryable: false });
  });

  it('DingTalk system busy (-1) is retryable', () => {
    expect(readAnswer('dingtalk', 200, '{"errcode":-1,"errmsg":"系统繁忙"}')).toMatchObject({
      ok: false,
      retryable: true,
      error: 'DingTalk -1: 系统繁忙',
    });
  });

  it('Feishu: the older StatusCode answer is read too', () => {
    expect(readAnswer('feishu', 200, '{"Extra":null,"StatusCode":0,"StatusMessage":"success"}').ok).toBe(
      true,
    );
    expect(readAnswer('feishu', 200, '{"code":9499,"data":{},"msg":"Bad Request"}')).toMatchObject({
      ok: false,
      retryable: false,
      error: 'Feishu 9499: Bad Request',
    });
  });

  it('Alibaba: isp.SYSTEM_ERROR retryable, isv.MOBILE_NUMBER_ILLEGAL and isv.AMOUNT_NOT_ENOUGH not', () => {
    const answer = (code: string) =>
      readAnswer('sms_aliyun', 200, JSON.stringify({ Code: code, Message: 'm', RequestId: 'r' }));
    expect(answer('isp.SYSTEM_ERROR')).toMatchObject({ ok: false, retryable: true });
    expect(answer('Throttling.User')).toMatchObject({ ok: false, retryable: true });
    expect(answer('isv.MOBILE_NUMBER_ILLEGAL')).toMatchObject({ ok: false, retryable: false });
    expect(answer('isv.AMOUNT_NOT_ENOUGH')).toMatchObject({ ok: false, retryable: false });
    expect(
      readAnswer(
        'voice_aliyun',
        200,
        '{"Code":"OK","Message":"OK","RequestId":"r","CallId":"116012354148^10281378"}',
      ).ok,
    ).toBe(true);
  });

  it('Tencent: Fee is returned as the cost; InternalError.Timeout retryable; AuthFailure not', () => {
    const sent =
      '{"Response":{"SendStatusSet":[{"SerialNo":"5000:1045710669157053657849499619","PhoneNumber":"+8613711112222",' +
      '"Fee":2,"SessionContext":"test","Code":"Ok","Message":"send success","IsoCode":"CN"}],' +
      '"RequestId":"a0aabda6-cf91-4f3e-a81f-9198114a2279"}}';
    expect(readAnswer('sms_tencent', 200, sent)).toEqual({ ok: true, response: sent, cost: '2' });
    const error = (code: string) =>
      readAnswer(
        'voice_tencent',
        200,
        JSON.stringify({ Response: { Error: { Code: code, Message: 'm' }, RequestId: 'r' } }),
      );
    expect(error('InternalError.Timeout')).toMatchObject({ ok: false, retryable: true });
    expect(error('AuthFailure.SecretIdNotFound')).toMatchObject({ ok: false, retryable: false });
    expect(error('InternalError.RequestTimeException')).toMatchObject({ ok: false, retryable: false });
  });

  it('a long provider message is cut to one short line', () => {
    const answer = readAnswer(
      'wecom',
      200,
      JSON.stringify({ errcode: 40058, errmsg: `invalid\n${'x'.repeat(500)}` }),
    );
    expect(answer.ok === false && answer.error.length).toBeLessThanOrEqual('WeCom 40058: '.length + 120);
    expect(answer.ok === false && answer.error).not.toContain('\n');
  });
});
