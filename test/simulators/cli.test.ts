/**
 * The simulate command as a user runs it: a child process against a real aedes broker over TCP.
 * A client playing the hub acknowledges every event, and the command must print the ack.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDeviceTopic } from '../../devices/index.ts';
import { type BareBroker, startBareBroker } from './broker.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsx = pathToFileURL(path.join(root, 'node_modules/tsx/dist/loader.mjs')).href;
const cli = path.join(root, 'simulators/cli.ts');

let broker: BareBroker;
let brokerUrl: string;
let hub: MqttClient;
let workDir: string;
const events: Array<{ deviceId: string; payload: Record<string, unknown> }> = [];
const wills: string[] = [];

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'junxiu-simulate-'));
  broker = await startBareBroker();
  brokerUrl = broker.url;
  hub = await connectAsync(brokerUrl, { clientId: 'hub', reconnectPeriod: 0 });
  await hub.subscribeAsync(['eldercare/v1/+/event', 'eldercare/v1/+/status'], { qos: 1 });
  hub.on('message', (topic, raw) => {
    const parsed = parseDeviceTopic(topic);
    if (!parsed) return;
    const payload = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    if (parsed.channel === 'status' && payload.online === false) wills.push(parsed.deviceId);
    if (parsed.channel !== 'event') return;
    events.push({ deviceId: parsed.deviceId, payload });
    const ack = { type: 'ack', alertId: `alert-${events.length}`, text: '值班人员已收到，正在处理' };
    hub.publish(`eldercare/v1/${parsed.deviceId}/cmd`, JSON.stringify(ack), { qos: 1 });
  });
});

afterAll(async () => {
  await hub?.endAsync();
  await broker?.close();
  await rm(workDir, { recursive: true, force: true });
});

function simulate(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // Run from an empty folder so no saved credentials are picked up.
  const child = spawn(process.execPath, ['--import', tsx, cli, ...args], { cwd: workDir });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('npm run simulate', () => {
  it('prints its usage', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', tsx, cli, '--help'], {
      cwd: workDir,
    });
    expect(stdout).toContain('Usage: npm run simulate -- [options]');
    expect(stdout).toContain('--scenario <spec>');
  });

  it('plays scripted scenarios and prints the acknowledgement the device receives', async () => {
    const result = await simulate([
      '--broker',
      brokerUrl,
      '--count',
      '2',
      '--interval',
      '0.3',
      '--duration',
      '3s',
      '--seed',
      '4',
      '--no-input',
      '--scenario',
      'sos:1@500ms',
      '--scenario',
      'offline:0@1s',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(events).toHaveLength(1);
    expect(events[0]!.payload.type).toBe('sos');
    expect(events[0]!.deviceId).toMatch(/-01-pendant$/);
    expect(result.stdout).toMatch(/SOS .*#1/);
    expect(result.stdout).toContain(
      `◀ ${events[0]!.deviceId} of 模拟老人2 (#1) got ack: 值班人员已收到，正在处理 (alert alert-1)`,
    );
    // Not a terminal: plain progress lines, and a summary at the end.
    expect(result.stdout).toMatch(/Done: \d+ messages sent, 1 events, 1 acknowledgements received/);
    // The dropped watch leaves by its will; the others by their own offline status at the clean stop.
    expect(wills.filter((id) => id.endsWith('-00-watch')).length).toBe(1);
    expect(new Set(wills).size).toBe(4);
  });

  it('refuses a bad scenario before connecting anything', async () => {
    const result = await simulate(['--broker', brokerUrl, '--scenario', 'sos:x@5s']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('cannot read scenario "sos:x@5s"');
    expect(result.stdout).toBe('');
  });
});
