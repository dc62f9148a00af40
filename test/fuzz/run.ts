/**
 * `npm run fuzz [-- --minutes=N] [--seed=S] [--max-rss-growth-mb=M]`: a real hub in its own process
 * on loopback, and the generators of the property tests run against it for N minutes (default 2),
 * in turns: MQTT payloads from devices of every type, raw MQTT frames, HTTP bodies and queries on
 * every documented route, import files and uploads. It prints what it tried per target, how much
 * was rejected, every finding (a 5xx, a refusal without `{error, message}`, a connection the broker
 * left open, a device dropped, the hub gone) with the seed and batch to replay it, and the hub's
 * RSS at start and end. Exits non-zero on any finding or when the RSS grew beyond the bound.
 *
 * One file past 500 lines: the turns share the hub process, its findings and their report.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import mqtt, { type MqttClient } from 'mqtt';
import { definitions } from '../../devices/index.ts';
import { ATTACHMENT_CONTENT_TYPES } from '../../server/archive/attachments.ts';
import { XLSX_TYPE } from '../../server/archive/excel.ts';
import { freePort } from '../../simulators/ports.ts';
import { RawClient } from '../gateway/mqtt-frames.ts';
import { numberOption } from '../helpers/options.ts';
import { STATUS_KEYS } from './checks.ts';
import { anyBadFrame, corrupted, devicePayload, fileBytes, schemaKeys } from './generators.ts';
import { type Answer, httpInput, loadOperations, problemWith, send } from './http-targets.ts';
import { randomRows, templateWith } from './workbooks.ts';
import { inflatingTo, workbookAround } from './zip.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ADMIN_PASSWORD = 'fuzz-admin-password-1';
const CONNECT_TIMEOUT_MS = 1000;
const BATCH = 25;

const option = numberOption;

const minutes = option('minutes', 2);
const seed = option('seed', Math.floor(Math.random() * 2 ** 31));
const maxRssGrowthMb = option('max-rss-growth-mb', 256);

interface Tally {
  tried: number;
  rejected: number;
  accepted: number;
  findings: string[];
}
const tallies = new Map<string, Tally>();
function tally(target: string): Tally {
  let entry = tallies.get(target);
  if (!entry) {
    entry = { tried: 0, rejected: 0, accepted: 0, findings: [] };
    tallies.set(target, entry);
  }
  return entry;
}
function finding(target: string, batch: number, index: number, what: string): void {
  const line = `${what} (replay: --seed=${seed}, target ${target}, batch ${batch}, input ${index})`;
  tally(target).findings.push(line);
  process.stdout.write(`FINDING ${target}: ${line}\n`);
}

/** The promise's value, or 'timeout' when it has not settled within `ms`. */
function bounded<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const ANSWER_TIMEOUT_MS = 30_000;

/**
 * `send` with the answer timeout; no answer at all (the timeout, a reset connection) comes back as
 * status 599, for `checkAnswer` to report like any other bad answer.
 */
function sendOrNoAnswer(url: string, token: string, input: Parameters<typeof send>[2]): Promise<Answer> {
  return send(url, token, { ...input, timeoutMs: ANSWER_TIMEOUT_MS }).catch((error: unknown) => ({
    status: 599,
    contentType: '',
    text: `no answer: ${String(error)}`,
  }));
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`not within ${timeoutMs} ms`);
}

function metricSum(text: string, name: string): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'junxiu-fuzz-'));
  const logPath = path.join(dataDir, 'hub.log');
  const [httpPort, mqttPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${httpPort}`;
  const log = fs.openSync(logPath, 'a');
  const hub: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    stdio: ['ignore', log, log],
    env: {
      ...process.env,
      HUB_DATA_DIR: dataDir,
      HUB_HTTP_HOST: '127.0.0.1',
      HUB_HTTP_PORT: String(httpPort),
      HUB_MQTT_HOST: '127.0.0.1',
      HUB_MQTT_PORT: String(mqttPort),
      HUB_ADMIN_PASSWORD: ADMIN_PASSWORD,
      // A hub of its own for the run: the admin signs in with the password alone.
      HUB_ADMIN_TOTP_REQUIRED: 'false',
      HUB_LOG_LEVEL: 'error',
      HUB_TELEMETRY_FLUSH_MS: '200',
      HUB_MQTT_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
      // Bad CONNECTs from loopback are the point of the frames target, not the guessing limit.
      HUB_MQTT_FAILED_CONNECTS_PER_IP: '100000',
    },
  });
  let exited: string | undefined;
  hub.once('exit', (code, signal) => {
    exited = `hub exited (code ${code}, signal ${signal})`;
  });
  const hubAlive = async (): Promise<boolean> => {
    if (exited) return false;
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS) }).catch(
      () => undefined,
    );
    return response?.status === 200;
  };

  process.stdout.write(`fuzz: seed ${seed}, ${minutes} min, hub pid ${hub.pid}, log ${logPath}\n`);
  try {
    await waitFor(async () => {
      if (exited) throw new Error(`${exited}: ${fs.readFileSync(logPath, 'utf8').slice(-2000)}`);
      return (await hubAlive()) ? true : undefined;
    }, 180_000);
    const login = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    if (login.status !== 200) throw new Error(`admin login failed: ${login.status} ${await login.text()}`);
    const token = ((await login.json()) as { token: string }).token;
    const api = async <T>(method: string, target: string, body?: unknown): Promise<T> => {
      const answer = await send(url, token, {
        method,
        path: target,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      if (answer.status >= 300) throw new Error(`${method} ${target}: ${answer.status} ${answer.text}`);
      return JSON.parse(answer.text) as T;
    };

    // A retiree, and one connected device of every native type for the payload target.
    const retiree = await api<{ id: string; contacts: { id: string }[] }>('POST', '/api/retirees', {
      name: '模糊测试',
      gender: 'male',
      birthDate: '1938-05-01',
      contacts: [{ name: '家属', relation: '女儿', phone: '13800000000' }],
    });
    const devices: { type: string; id: string; client: MqttClient }[] = [];
    for (const [index, definition] of definitions.entries()) {
      const id = `fuzz-${index}-${definition.type.replace(/[^a-z0-9]/gi, '-')}`;
      const created = await api<{ device: { id: string }; secret: string }>('POST', '/api/devices', {
        id,
        type: definition.type,
        retireeId: retiree.id,
      });
      const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, {
        clientId: id,
        username: id,
        password: created.secret,
        reconnectPeriod: 0,
      });
      devices.push({ type: definition.type, id: created.device.id, client });
    }
    const operations = await loadOperations(url);
    // The HTTP target gets records of its own: valid input may delete or revoke what it names, and
    // the devices above must stay connected for the payload target.
    const target = await api<{ id: string; contacts: { id: string }[] }>('POST', '/api/retirees', {
      name: '模糊测试二',
      gender: 'female',
      birthDate: '1940-02-03',
      contacts: [{ name: '家属', relation: '儿子', phone: '13900000000' }],
    });
    const targetDevice = await api<{ device: { id: string } }>('POST', '/api/devices', {
      id: 'fuzz-http-watch',
      type: 'wearable.watch',
      retireeId: target.id,
    });
    const knownIds = [target.id, targetDevice.device.id, target.contacts[0]?.id ?? target.id];
    const template = await templateWith([
      { name: '张三', gender: '男', birthDate: '1938-05-01', rank: '师级' },
      { name: '李四', gender: '女', birthDate: '1940-02-03', rank: '团级' },
    ]);
    const bomb = workbookAround(inflatingTo('xl/worksheets/sheet1.xml', 256 * 1024 * 1024));

    const metricsText = async () =>
      (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS) })).text();
    const before = await metricsText();
    const rssLaunch = rssMb(hub.pid!);
    // The start of the bound is taken after one round of every target, once the hub is warm.
    let rssStart = rssLaunch;
    let rssPeak = rssLaunch;
    const deadline = Date.now() + minutes * 60_000;

    const checkAnswer = (target: string, batch: number, index: number, answer: Answer, input: string) => {
      const entry = tally(target);
      entry.tried += 1;
      if (answer.status >= 400 && answer.status < 500) entry.rejected += 1;
      else if (answer.status < 300) entry.accepted += 1;
      const problem = problemWith(answer);
      if (problem) finding(target, batch, index, `${problem} for ${input.slice(0, 300)}`);
    };

    const targets: Record<string, (batch: number) => Promise<void>> = {
      async 'mqtt payloads'(batch) {
        const entry = tally('mqtt payloads');
        const channel = fc.constantFrom('telemetry', 'event', 'status');
        const inputs = fc.sample(
          fc.tuple(fc.constantFrom(...devices.keys()), channel).chain(([deviceIndex, name]) => {
            const definition = definitions[deviceIndex]!;
            const keys =
              name === 'telemetry'
                ? schemaKeys(definition.telemetrySchema)
                : name === 'event'
                  ? schemaKeys(definition.eventSchema)
                  : STATUS_KEYS;
            return devicePayload(keys).map((payload) => ({ deviceIndex, name, payload }));
          }),
          { seed: seed + batch, numRuns: BATCH },
        );
        await Promise.all(
          inputs.map(async ({ deviceIndex, name, payload }, index) => {
            const device = devices[deviceIndex]!;
            entry.tried += 1;
            try {
              const acknowledged = await bounded(
                device.client.publishAsync(`eldercare/v1/${device.id}/${name}`, Buffer.from(payload), {
                  qos: 1,
                }),
                ANSWER_TIMEOUT_MS,
              );
              if (acknowledged === 'timeout')
                finding('mqtt payloads', batch, index, `no PUBACK within ${ANSWER_TIMEOUT_MS} ms`);
            } catch (error) {
              finding('mqtt payloads', batch, index, `publish failed: ${String(error)}`);
            }
          }),
        );
        for (const device of devices) {
          if (!device.client.connected)
            finding('mqtt payloads', batch, -1, `device ${device.id} was dropped`);
        }
      },
      async 'mqtt frames'(batch) {
        const entry = tally('mqtt frames');
        const frames = fc.sample(anyBadFrame, { seed: seed + batch, numRuns: BATCH });
        const clients = frames.map(() => new RawClient(mqttPort));
        // A socket the broker refused before it connected is closed, not left waiting.
        await Promise.all(
          clients.map((client) => bounded(Promise.race([client.connected, client.closed]), 10_000)),
        );
        await Promise.all(clients.map((client, index) => client.write(frames[index]!)));
        const closed = await Promise.all(
          clients.map((client) => client.closedWithin(CONNECT_TIMEOUT_MS + 5000)),
        );
        for (const [index, isClosed] of closed.entries()) {
          entry.tried += 1;
          if (isClosed) entry.rejected += 1;
          else {
            finding(
              'mqtt frames',
              batch,
              index,
              `connection left open after ${frames[index]!.toString('hex').slice(0, 120)}`,
            );
            clients[index]!.destroy();
          }
        }
        for (const device of devices) {
          if (!device.client.connected) finding('mqtt frames', batch, -1, `device ${device.id} was dropped`);
        }
      },
      async 'http bodies'(batch) {
        const inputs = fc.sample(httpInput(operations, knownIds), { seed: seed + batch, numRuns: BATCH });
        for (const [index, input] of inputs.entries()) {
          const answer = await sendOrNoAnswer(url, token, {
            method: input.operation.method,
            path: input.path,
            query: input.query,
            ...(input.body !== undefined && input.operation.method !== 'GET' ? { body: input.body } : {}),
          });
          checkAnswer(
            'http bodies',
            batch,
            index,
            answer,
            `${input.operation.method} ${input.path}?${input.query} ${input.body ?? ''}`,
          );
        }
      },
      async 'import files'(batch) {
        const file = fc.oneof(
          fileBytes,
          corrupted(template),
          randomRows.map((rows) => ({ rows })),
        );
        const inputs = fc.sample(file, { seed: seed + batch, numRuns: 8 });
        const bodies: Buffer[] = [];
        for (const input of inputs)
          bodies.push(Buffer.isBuffer(input) ? input : await templateWith(input.rows));
        if (batch % 10 === 0) bodies.push(bomb);
        for (const [index, body] of bodies.entries()) {
          const answer = await sendOrNoAnswer(url, token, {
            method: 'POST',
            path: '/api/archive/import',
            body,
            contentType: XLSX_TYPE,
          });
          checkAnswer(
            'import files',
            batch,
            index,
            answer,
            `${body.length} bytes ${body.subarray(0, 16).toString('hex')}`,
          );
          if (answer.status === 422 && !JSON.parse(answer.text).errors?.length)
            finding('import files', batch, index, 'refused without a report');
        }
      },
      async uploads(batch) {
        const inputs = fc.sample(fc.tuple(fileBytes, fc.constantFrom(...ATTACHMENT_CONTENT_TYPES)), {
          seed: seed + batch,
          numRuns: 10,
        });
        for (const [index, [body, contentType]] of inputs.entries()) {
          const answer = await sendOrNoAnswer(url, token, {
            method: 'POST',
            path: `/api/archive/retirees/${retiree.id}/attachments`,
            query: 'name=fuzz.bin',
            body,
            contentType,
          });
          checkAnswer(
            'uploads',
            batch,
            index,
            answer,
            `${contentType} ${body.subarray(0, 16).toString('hex')}`,
          );
        }
      },
    };

    let batch = 0;
    while (Date.now() < deadline) {
      for (const [name, run] of Object.entries(targets)) {
        if (Date.now() >= deadline) break;
        await run(batch).catch((error: unknown) =>
          finding(name, batch, -1, `the fuzzer failed: ${String(error)}`),
        );
        rssPeak = Math.max(rssPeak, exited ? 0 : rssMb(hub.pid!));
        if (!(await hubAlive())) {
          finding(name, batch, -1, exited ?? 'the hub stopped answering /healthz');
          break;
        }
      }
      if (exited) break;
      if (batch === 0) rssStart = exited ? rssStart : rssMb(hub.pid!);
      batch += 1;
    }

    // Readings and rejections are counted by the broker; read them once all is flushed.
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (!exited) {
      const after = await metricsText();
      const payloads = tally('mqtt payloads');
      payloads.rejected =
        metricSum(after, 'hub_mqtt_messages_rejected_total') -
        metricSum(before, 'hub_mqtt_messages_rejected_total');
      payloads.accepted =
        metricSum(after, 'hub_mqtt_messages_total') - metricSum(before, 'hub_mqtt_messages_total');
      if (payloads.rejected + payloads.accepted !== payloads.tried)
        finding(
          'mqtt payloads',
          -1,
          -1,
          `${payloads.tried} sent but ${payloads.rejected + payloads.accepted} counted`,
        );
      const closed =
        metricSum(after, 'hub_mqtt_connections_closed_total') -
        metricSum(before, 'hub_mqtt_connections_closed_total');
      const refused =
        metricSum(after, 'hub_mqtt_auth_failures_total') - metricSum(before, 'hub_mqtt_auth_failures_total');
      process.stdout.write(
        `broker: ${closed} connections closed by its limits, ${refused} CONNECTs refused\n`,
      );
      // Every bad frame closed a connection, and each closing is counted once, as a limit or a refusal.
      const frames = tally('mqtt frames');
      if (closed + refused < frames.rejected)
        finding(
          'mqtt frames',
          -1,
          -1,
          `${frames.rejected} connections closed but ${closed + refused} counted`,
        );
    }
    const rssEnd = exited ? Number.NaN : rssMb(hub.pid!);
    for (const device of devices) await device.client.endAsync(true).catch(() => {});
    if (!exited) {
      const gauges = async () => {
        const text = await (await fetch(`${url}/metrics`)).text();
        return {
          clients: metricSum(text, 'hub_mqtt_clients'),
          connections: metricSum(text, 'hub_mqtt_connections'),
        };
      };
      let left = await gauges();
      for (let wait = 0; wait < 40 && (left.clients !== 0 || left.connections !== 0); wait += 1) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        left = await gauges();
      }
      process.stdout.write(
        `broker after every client left: ${left.clients} clients, ${left.connections} connections\n`,
      );
      // The gauges follow the connections: none is left once every client has gone.
      if (left.clients !== 0 || left.connections !== 0)
        finding(
          'mqtt frames',
          -1,
          -1,
          `${left.clients} clients, ${left.connections} connections left counted`,
        );
    }

    process.stdout.write('\ntarget          tried  rejected  accepted  findings\n');
    for (const [name, entry] of tallies) {
      process.stdout.write(
        `${name.padEnd(14)} ${String(entry.tried).padStart(6)} ${String(entry.rejected).padStart(9)} ${String(entry.accepted).padStart(9)} ${String(entry.findings.length).padStart(9)}\n`,
      );
    }
    const growth = rssEnd - rssStart;
    process.stdout.write(
      `\nhub RSS: ${rssLaunch.toFixed(0)} MB at launch, ${rssStart.toFixed(0)} MB after the first round, ${rssEnd.toFixed(0)} MB at end, peak ${rssPeak.toFixed(0)} MB; bound +${maxRssGrowthMb} MB\n`,
    );
    const findings = [...tallies.values()].reduce((sum, entry) => sum + entry.findings.length, 0);
    const memoryBad = !(growth <= maxRssGrowthMb);
    if (memoryBad) process.stdout.write(`FINDING memory: the hub grew by ${growth.toFixed(0)} MB\n`);
    process.stdout.write(
      findings || memoryBad ? `\n${findings} finding(s); seed ${seed}\n` : '\nno findings\n',
    );
    process.exitCode = findings || memoryBad ? 1 : 0;
  } finally {
    if (!exited) {
      hub.kill('SIGTERM');
      await new Promise((resolve) => {
        hub.once('exit', resolve);
        setTimeout(resolve, 10_000);
      });
    }
    fs.closeSync(log);
    if (process.exitCode === 0) fs.rmSync(dataDir, { recursive: true, force: true });
    else process.stdout.write(`hub data and log kept in ${dataDir}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`fuzz: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
