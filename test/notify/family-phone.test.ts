/**
 * Families on the channels a Chinese family reads: a daughter's mobile by SMS and the family's WeCom
 * group robot, each to a local server that checks the request as the provider documents it. The
 * family's message speaks to the family and carries no link to act on the alert (that is for staff);
 * the robot's access token is not shown back; a contact's number that is no mobile is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../server/schemas/index.ts';
import { eventually, pressSos } from '../helpers/hub.ts';
import { suiteHub } from '../helpers/suite.ts';
import { type FakeProviders, startFakeProviders } from './providers/fake-providers.ts';

const WECOM_KEY = '693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa';
const TENCENT = { secretId: 'AKIDfamilytestsecretid01234', secretKey: 'family-test-secret-key-0123' };

describe('families told by SMS and a WeCom group robot', () => {
  let fake: FakeProviders;
  const t = suiteHub({
    HUB_NOTIFY_ALLOWED_NETWORKS: '127.0.0.1/32',
    HUB_PUBLIC_URL: 'https://hub.centre.example',
    HUB_WEBHOOK_RETRY_DELAYS: '0',
  });

  beforeAll(async () => {
    fake = await startFakeProviders({
      dingtalk: { token: 'unused', secret: null },
      wecom: { key: WECOM_KEY },
      feishu: { token: 'unused', secret: null },
      aliyun: { accessKeyId: 'unused', accessKeySecret: 'unused' },
      tencent: TENCENT,
    });
  });
  afterAll(() => fake?.stop());

  it('sends an opened SOS to the daughter by SMS and to the family group, without a staff link', async () => {
    const provider = await t.api('PUT', '/api/settings/notify/providers/sms_tencent', {
      config: {
        ...TENCENT,
        smsSdkAppId: '1400000002',
        signName: '军休中心',
        templateId: '2000002',
        templateParamOrder: ['name', 'kind', 'centre', 'phone'],
        endpoint: fake.origin,
      },
    });
    expect(provider.status).toBe(200);
    const retiree = await t.addRetiree({ name: '赵淑芬' });
    const contact = retiree.contacts[0];
    if (!contact) throw new Error('the retiree has no contact');
    const base = `/api/retirees/${retiree.id}/contacts/${contact.id}/channels`;
    const refused = await t.api<{ message: string }>('POST', base, { kind: 'sms', target: '12345' });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain('mobile');
    expect(
      (await t.api('POST', base, { kind: 'sms', target: contact.phone, minSeverity: 'high' })).status,
    ).toBe(201);
    const robot = await t.api<{ channel: { target: string } }>('POST', base, {
      kind: 'wecom',
      target: `${fake.origin}/cgi-bin/webhook/send?key=${WECOM_KEY}`,
      minSeverity: 'high',
    });
    expect(robot.status).toBe(201);
    expect(robot.body.channel.target).not.toContain(WECOM_KEY);

    const alert: Alert = await pressSos(t, retiree, 'family-phone-1');
    const sms = await eventually(() =>
      fake.received.find(
        (request) => request.provider === 'tencent' && request.json?.SmsSdkAppId === '1400000002',
      ),
    );
    expect(sms.problem).toBeNull();
    expect(sms.json?.PhoneNumberSet).toEqual([`+86${contact.phone}`]);
    expect(sms.json?.TemplateParamSet).toEqual(expect.arrayContaining(['赵淑芬']));
    const group = await eventually(() => fake.received.find((request) => request.provider === 'wecom'));
    expect(group.problem).toBeNull();
    const text = JSON.stringify(group.json);
    expect(text).toContain('赵淑芬');
    expect(text).toContain('您的亲属');
    expect(text).not.toContain('/m/');

    const log = await eventually(async () => {
      const answer = await t.api<{ kind: string; status: string; contactName: string | null }[]>(
        'GET',
        `/api/alerts/${alert.id}/deliveries`,
      );
      return answer.body.filter((entry) => entry.status === 'sent').length >= 2 ? answer.body : undefined;
    });
    expect(log.map((entry) => [entry.kind, entry.status, entry.contactName]).sort()).toEqual([
      ['sms', 'sent', contact.name],
      ['wecom', 'sent', contact.name],
    ]);
  });
});
