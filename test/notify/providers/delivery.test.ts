/**
 * Each provider's request, sent with plain fetch to a local server that checks it exactly as the
 * provider documents (signatures recomputed from the received bytes) and answers as the provider
 * does; the answer then goes through the provider's reader.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildRequest,
  type ProviderConfigs,
  type ProviderKind,
  type ProviderMessage,
  type ProviderRequest,
  readAnswer,
} from '../../../server/notify/providers/index.ts';
import { type Credentials, type FakeProviders, startFakeProviders } from './fake-providers.ts';

const credentials: Credentials = {
  dingtalk: { token: 'd1ngta1k0token', secret: 'SECd0c5a1e1b2c3d4e5f60718293a4b5c6d7e8f9' },
  wecom: { key: '693a91f6-7aaa-4bc4-97a0-0ec2sifa5aaa' },
  feishu: { token: '0f8e2a3b-1c2d-4e5f-8a9b-0c1d2e3f4a5b', secret: 'fe1shuSecretValue' },
  aliyun: { accessKeyId: 'LTAI5tTestAccessKeyId', accessKeySecret: 'TestAccessKeySecretValue0123456789' },
  tencent: { secretId: 'AKIDtestSecretId0123456789', secretKey: 'testSecretKey0123456789abcdef' },
};

const message: ProviderMessage = {
  title: '【紧急】张三 SOS 求救',
  lines: [
    '老人：张三（3 号楼 201）',
    '事件：按下 SOS 按钮',
    '时间：2026-12-05 16:20:31',
    '处理：已通知值班护理员李四',
  ],
  link: 'https://hub.example.cn/alerts/a-1024',
  severity: 'critical',
  params: { name: '张三', event: 'SOS 求救', place: '3号楼201', time: '16:20' },
};

let fake: FakeProviders;
const allowHttp = ['127.0.0.1'];

function configs(origin: string): ProviderConfigs {
  return {
    dingtalk: {
      webhook: `${origin}/robot/send?access_token=${credentials.dingtalk.token}`,
      secret: credentials.dingtalk.secret ?? undefined,
    },
    wecom: { webhook: `${origin}/cgi-bin/webhook/send?key=${credentials.wecom.key}` },
    feishu: {
      webhook: `${origin}/open-apis/bot/v2/hook/${credentials.feishu.token}`,
      secret: 'fe1shuSecretValue',
    },
    sms_aliyun: {
      ...credentials.aliyun,
      signName: '军休服务中心',
      templateCode: 'SMS_154950909',
      endpoint: origin,
    },
    voice_aliyun: {
      ...credentials.aliyun,
      ttsCode: 'TTS_10001',
      calledShowNumber: '057188773344',
      endpoint: origin,
    },
    sms_tencent: {
      ...credentials.tencent,
      smsSdkAppId: '1400006666',
      signName: '军休服务中心',
      templateId: '1110',
      templateParamOrder: ['name', 'event', 'place', 'time'],
      endpoint: origin,
    },
    voice_tencent: {
      ...credentials.tencent,
      voiceSdkAppId: '1400000000',
      voiceTemplateId: '1003',
      templateParamOrder: ['name', 'event'],
      endpoint: origin,
    },
  };
}

async function send(request: ProviderRequest): Promise<{ status: number; body: string }> {
  const response = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
  });
  return { status: response.status, body: await response.text() };
}

async function deliver<K extends ProviderKind>(
  kind: K,
  config: ProviderConfigs[K],
  target = '+86 138-0013-8000',
) {
  const request = buildRequest(kind, config, message, target, new Date(), randomBytes(16).toString('hex'), {
    allowHttp,
  });
  const { status, body } = await send(request);
  return { request, status, body, answer: readAnswer(kind, status, body), received: fake.received.at(-1)! };
}

beforeAll(async () => {
  fake = await startFakeProviders(credentials);
});
afterAll(async () => {
  await fake.stop();
});

describe('robots', () => {
  it('DingTalk: signed markdown and actionCard are accepted', async () => {
    const markdown = await deliver('dingtalk', configs(fake.origin).dingtalk);
    expect(markdown.received.problem).toBeNull();
    expect(markdown.answer).toEqual({ ok: true, response: '{"errcode":0,"errmsg":"ok"}' });
    const json = markdown.received.json as { msgtype: string; markdown: { title: string; text: string } };
    expect(json.msgtype).toBe('markdown');
    expect(json.markdown.title).toBe(message.title);
    expect(json.markdown.text).toContain('[查看并处理](https://hub.example.cn/alerts/a-1024)');

    const card = await deliver('dingtalk', { ...configs(fake.origin).dingtalk, style: 'card' });
    expect(card.received.problem).toBeNull();
    expect(card.received.json).toMatchObject({
      msgtype: 'actionCard',
      actionCard: { singleURL: message.link, singleTitle: '查看并处理' },
    });
    expect(card.answer.ok).toBe(true);
  });

  it('DingTalk: a wrong secret gets 310000, which is not retried', async () => {
    const wrong = await deliver('dingtalk', { ...configs(fake.origin).dingtalk, secret: 'SECwrong' });
    expect(wrong.received.problem).toBe('sign');
    expect(wrong.answer).toMatchObject({ ok: false, retryable: false });
    expect(wrong.answer.ok === false && wrong.answer.error).toMatch(/^DingTalk 310000: sign not match/);
    expect(JSON.stringify(wrong.answer)).not.toContain('SECwrong');
  });

  it('DingTalk: throttling (410100) is retryable', async () => {
    fake.queue('dingtalk', 200, { errcode: 410100, errmsg: '发送速度太快而限流' });
    const throttled = await deliver('dingtalk', configs(fake.origin).dingtalk);
    expect(throttled.answer).toMatchObject({
      ok: false,
      retryable: true,
      error: 'DingTalk 410100: 发送速度太快而限流',
    });
  });

  it('WeCom: markdown and template_card are accepted; a wrong key is not retried', async () => {
    const markdown = await deliver('wecom', configs(fake.origin).wecom);
    expect(markdown.received.problem).toBeNull();
    expect(markdown.answer.ok).toBe(true);
    const card = await deliver('wecom', { ...configs(fake.origin).wecom, style: 'card' });
    expect(card.received.problem).toBeNull();
    expect(card.received.json).toMatchObject({
      msgtype: 'template_card',
      template_card: { card_type: 'text_notice', card_action: { type: 1, url: message.link } },
    });
    const wrong = await deliver('wecom', { webhook: `${fake.origin}/cgi-bin/webhook/send?key=nope` });
    expect(wrong.answer).toMatchObject({ ok: false, retryable: false });
    expect(wrong.answer.ok === false && wrong.answer.error).toMatch(/^WeCom 93000: invalid webhook url/);
    fake.queue('wecom', 200, { errcode: 45009, errmsg: 'api freq out of limit' });
    expect((await deliver('wecom', configs(fake.origin).wecom)).answer).toMatchObject({
      ok: false,
      retryable: true,
    });
  });

  it('WeCom: a markdown message over 4096 bytes is cut to fit, link kept', async () => {
    const long = {
      ...message,
      lines: Array.from({ length: 300 }, (_, i) => `第 ${i} 行：血氧持续偏低，已联系家属`),
    };
    const request = buildRequest('wecom', configs(fake.origin).wecom, long, '', new Date(), 'n', {
      allowHttp,
    });
    const { status, body } = await send(request);
    expect(fake.received.at(-1)!.problem).toBeNull();
    expect(readAnswer('wecom', status, body).ok).toBe(true);
    const content = (JSON.parse(request.body) as { markdown: { content: string } }).markdown.content;
    expect(Buffer.byteLength(content, 'utf8')).toBeLessThanOrEqual(4096);
    expect(content.endsWith(`[查看并处理](${message.link})`)).toBe(true);
  });

  it('Feishu: signed post and interactive card are accepted; a wrong secret gets 19021', async () => {
    const post = await deliver('feishu', configs(fake.origin).feishu);
    expect(post.received.problem).toBeNull();
    expect(post.answer).toEqual({ ok: true, response: '{"code":0,"data":{},"msg":"success"}' });
    const card = await deliver('feishu', { ...configs(fake.origin).feishu, style: 'card' });
    expect(card.received.problem).toBeNull();
    expect(card.received.json).toMatchObject({
      msg_type: 'interactive',
      card: { header: { template: 'red' } },
    });
    const wrong = await deliver('feishu', { ...configs(fake.origin).feishu, secret: 'other' });
    expect(wrong.answer).toMatchObject({
      ok: false,
      retryable: false,
      error: 'Feishu 19021: sign match fail or timestamp is not within one hour from current time',
    });
    fake.queue('feishu', 200, {
      code: 11232,
      data: {},
      msg: 'frequency limited psm[lark.oapi.app_platform_runtime]appID[1]',
    });
    expect((await deliver('feishu', configs(fake.origin).feishu)).answer).toMatchObject({
      ok: false,
      retryable: true,
    });
  });
});

describe('Alibaba Cloud', () => {
  it('SendSms: the V3-signed request is accepted and read as sent', async () => {
    const sms = await deliver('sms_aliyun', configs(fake.origin).sms_aliyun);
    expect(sms.received.problem).toBeNull();
    expect(sms.received.query.get('PhoneNumbers')).toBe('13800138000');
    expect(JSON.parse(sms.received.query.get('TemplateParam')!)).toEqual(message.params);
    expect(sms.received.body).toBe('');
    expect(sms.answer.ok).toBe(true);
    expect(sms.answer.ok && JSON.parse(sms.answer.response)).toMatchObject({
      Code: 'OK',
      BizId: '900619746936498440^0',
    });
  });

  it('SendSms: a template variable over 35 characters is cut by characters, never mid-character', async () => {
    const long = {
      ...message,
      params: {
        ...message.params,
        place: `颐养院𠀀北区${'三号楼二单元二〇一室靠窗床位旁的卫生间门口'.repeat(2)}`,
      },
    };
    const request = buildRequest(
      'sms_aliyun',
      configs(fake.origin).sms_aliyun,
      long,
      '13800138000',
      new Date(),
      'n1',
      {
        allowHttp,
      },
    );
    const { status, body } = await send(request);
    expect(fake.received.at(-1)!.problem).toBeNull();
    expect(readAnswer('sms_aliyun', status, body).ok).toBe(true);
    const place = (JSON.parse(fake.received.at(-1)!.query.get('TemplateParam')!) as Record<string, string>)
      .place!;
    expect([...place].length).toBe(35);
    expect(place.startsWith('颐养院𠀀北区')).toBe(true);
    expect(place.endsWith('…')).toBe(true);
    expect(place).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('SendSms: a wrong secret gets SignatureDoesNotMatch (HTTP 400), not retried, secret not echoed', async () => {
    const config = { ...configs(fake.origin).sms_aliyun, accessKeySecret: 'NotTheSecret' };
    const wrong = await deliver('sms_aliyun', config);
    expect(wrong.status).toBe(400);
    expect(wrong.answer).toMatchObject({ ok: false, retryable: false });
    expect(wrong.answer.ok === false && wrong.answer.error).toMatch(/^Alibaba SMS SignatureDoesNotMatch/);
    expect(JSON.stringify(wrong.answer)).not.toContain('NotTheSecret');
  });

  it('SendSms: flow control and system errors are retryable', async () => {
    fake.queue('aliyun', 200, {
      Code: 'isv.BUSINESS_LIMIT_CONTROL',
      Message: '触发小时级流控Permits:5',
      RequestId: 'r1',
    });
    const limited = await deliver('sms_aliyun', configs(fake.origin).sms_aliyun);
    expect(limited.answer).toMatchObject({
      ok: false,
      retryable: true,
      error: 'Alibaba SMS isv.BUSINESS_LIMIT_CONTROL: 触发小时级流控Permits:5',
    });
    fake.queue('aliyun', 503, {
      Code: 'ServiceUnavailable',
      Message: 'The request has failed due to a temporary failure of the server.',
    });
    expect((await deliver('sms_aliyun', configs(fake.origin).sms_aliyun)).answer).toMatchObject({
      ok: false,
      retryable: true,
    });
  });

  it('SingleCallByTts: the V3-signed call is accepted', async () => {
    const voice = await deliver('voice_aliyun', configs(fake.origin).voice_aliyun);
    expect(voice.received.problem).toBeNull();
    expect(voice.received.headers['x-acs-action']).toBe('SingleCallByTts');
    expect(voice.received.query.get('CalledNumber')).toBe('13800138000');
    expect(voice.received.query.get('CalledShowNumber')).toBe('057188773344');
    expect(voice.received.query.get('PlayTimes')).toBe('2');
    expect(voice.answer.ok).toBe(true);
  });
});

describe('Tencent Cloud', () => {
  it('SendSms: the TC3-signed request is accepted; Fee is the cost', async () => {
    const sms = await deliver('sms_tencent', configs(fake.origin).sms_tencent);
    expect(sms.received.problem).toBeNull();
    expect(sms.received.json).toMatchObject({
      PhoneNumberSet: ['+8613800138000'],
      TemplateParamSet: ['张三', 'SOS 求救', '3号楼201', '16:20'],
    });
    expect(sms.received.headers['x-tc-region']).toBe('ap-guangzhou');
    expect(sms.answer).toMatchObject({ ok: true, cost: '1' });
  });

  it('SendSms: a wrong key is refused; per-number failures and limits are read', async () => {
    const wrong = await deliver('sms_tencent', {
      ...configs(fake.origin).sms_tencent,
      secretKey: 'wrongKey',
    });
    expect(wrong.answer).toMatchObject({ ok: false, retryable: false });
    expect(wrong.answer.ok === false && wrong.answer.error).toMatch(
      /^Tencent SMS AuthFailure\.SignatureFailure/,
    );
    expect(JSON.stringify(wrong.answer)).not.toContain('wrongKey');

    fake.queue('tencent', 200, {
      Response: {
        SendStatusSet: [
          {
            SerialNo: '',
            PhoneNumber: '+8613800138000',
            Fee: 0,
            SessionContext: '',
            Code: 'LimitExceeded.PhoneNumberDailyLimit',
            Message:
              'the number of SMS messages sent from a single mobile number every day exceeds the upper limit',
            IsoCode: 'CN',
          },
        ],
        RequestId: 'b5b3b9c4-0000-4000-8000-000000000001',
      },
    });
    const daily = await deliver('sms_tencent', configs(fake.origin).sms_tencent);
    expect(daily.answer).toMatchObject({ ok: false, retryable: false });
    expect(daily.answer.ok === false && daily.answer.error).toMatch(
      /^Tencent SMS LimitExceeded\.PhoneNumberDailyLimit: /,
    );

    fake.queue('tencent', 200, {
      Response: {
        Error: { Code: 'RequestLimitExceeded', Message: '请求的次数超过了频率限制。' },
        RequestId: 'r2',
      },
    });
    expect((await deliver('sms_tencent', configs(fake.origin).sms_tencent)).answer).toMatchObject({
      ok: false,
      retryable: true,
      error: 'Tencent SMS RequestLimitExceeded: 请求的次数超过了频率限制。',
    });
  });

  it('SendTtsVoice: the TC3-signed voice message is accepted', async () => {
    const voice = await deliver('voice_tencent', configs(fake.origin).voice_tencent);
    expect(voice.received.problem).toBeNull();
    expect(voice.received.json).toEqual({
      TemplateId: '1003',
      TemplateParamSet: ['张三', 'SOS 求救'],
      CalledNumber: '+8613800138000',
      VoiceSdkAppid: '1400000000',
      PlayTimes: 2,
    });
    expect(voice.answer.ok).toBe(true);
  });
});
