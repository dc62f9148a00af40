/**
 * The broker's log under attack: a refused CONNECT is logged once, and the same line at most so
 * many times a window; the rest are counted and summed up in one line.
 */
import { Writable } from 'node:stream';
import mqtt from 'mqtt';
import pino from 'pino';
import promClient from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineLimitedLog } from '../../gateway/index.ts';
import { metricValue, startTestHub, type TestHub } from '../helpers/hub.ts';

interface Line {
  level: 'info' | 'warn' | 'error';
  object: object;
  message: string | undefined;
}

function recorder(): {
  lines: Line[];
  log: Record<Line['level'], (object: object, message?: string) => void>;
} {
  const lines: Line[] = [];
  const log = {
    info: (object: object, message?: string) => lines.push({ level: 'info', object, message }),
    warn: (object: object, message?: string) => lines.push({ level: 'warn', object, message }),
    error: (object: object, message?: string) => lines.push({ level: 'error', object, message }),
  };
  return { lines, log };
}

describe('log lines bounded per message', () => {
  it('writes a message so many times a window, then counts it and sums it up when the window is over', async () => {
    const { lines, log } = recorder();
    const registry = new promClient.Registry();
    let now = 0;
    const limited = new LineLimitedLog(log, registry, { perWindow: 3, windowMs: 1000 }, () => now);
    for (let index = 0; index < 10; index += 1) limited.warn({ index }, 'mqtt connection refused');
    limited.info({}, 'mqtt broker listening on tcp');
    expect(lines.map((line) => line.message)).toStrictEqual([
      'mqtt connection refused',
      'mqtt connection refused',
      'mqtt connection refused',
      'mqtt broker listening on tcp',
    ]);
    const suppressed = await registry.getSingleMetric('hub_log_lines_suppressed_total')?.get();
    expect(suppressed?.values).toStrictEqual([{ value: 7, labels: { message: 'mqtt connection refused' } }]);

    // The next window writes again, after the summary of the last.
    now = 1000;
    limited.warn({ index: 10 }, 'mqtt connection refused');
    expect(lines.slice(4)).toStrictEqual([
      {
        level: 'warn',
        object: { suppressed: 7, windowSeconds: 1 },
        message: 'mqtt connection refused (similar lines suppressed)',
      },
      { level: 'warn', object: { index: 10 }, message: 'mqtt connection refused' },
    ]);

    // An attack that stops still gets its summary, from the sweep.
    for (let index = 0; index < 5; index += 1) limited.error({}, 'device event not handled');
    now = 2500;
    limited.sweep();
    expect(lines.at(-1)).toStrictEqual({
      level: 'error',
      object: { suppressed: 2, windowSeconds: 1 },
      message: 'device event not handled (similar lines suppressed)',
    });
    limited.sweep(true);
  });
});

describe('refused CONNECTs in the hub log', () => {
  let t: TestHub;
  const lines: { msg: string; reason?: string }[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const text of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(text));
        done();
      },
    });
    t = await startTestHub({ HUB_MQTT_COOLDOWN_DELAY_MS: '0' }, { logger: pino({ level: 'info' }, sink) });
  });
  afterAll(async () => t?.stop());

  it('logs each refusal once, at most 20 a minute, and counts the rest', async () => {
    const device = await t.addDevice('pendant.sos', null);
    const attempts = 60;
    for (let attempt = 0; attempt < attempts; attempt += 1) {
      const client = mqtt.connect(t.mqttUrl, {
        clientId: device.device.id,
        username: device.device.id,
        password: `wrong-${attempt}`,
        reconnectPeriod: 0,
        connectTimeout: 5000,
      });
      const code = await new Promise<number | undefined>((resolve) => {
        client.once('error', (error) => resolve((error as { code?: number }).code));
        client.once('connect', () => resolve(0));
      });
      expect(code === 4 || code === 5).toBe(true);
      await client.endAsync(true);
    }
    const refused = lines.filter((line) => line.msg === 'mqtt connection refused');
    expect(refused).toHaveLength(20);
    expect(refused.every((line) => typeof line.reason === 'string')).toBe(true);
    // aedes reports each refusal again as a client error: that one is not logged twice.
    expect(lines.filter((line) => line.msg === 'mqtt client error')).toHaveLength(0);
    expect(await metricValue(t, 'hub_log_lines_suppressed_total{message="mqtt connection refused"}')).toBe(
      attempts - 20,
    );
    // Every refusal is still counted and remembered for the security page.
    const failures =
      (await metricValue(t, 'hub_mqtt_auth_failures_total{reason="bad_secret"}')) +
      (await metricValue(t, 'hub_mqtt_auth_failures_total{reason="username_cooldown"}')) +
      (await metricValue(t, 'hub_mqtt_auth_failures_total{reason="ip_cooldown"}'));
    expect(failures).toBe(attempts);
  });
});
