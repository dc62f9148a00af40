/**
 * `npm run simulate -- --zigbee …`: plays a Zigbee2MQTT bridge. Reads its credentials (written by
 * `--zigbee --provision`) or takes `--bridge` and `--bridge-secret`, then runs scheduled and typed
 * scenarios until `--duration` ends, "quit" is typed, or Ctrl-C.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { HubApi } from '../provision.ts';
import { parseDuration } from '../scenarios.ts';
import { createRandom } from '../vitals.ts';
import { SimulatedBridge } from './bridge.ts';
import { isZigbeeScenario, type ZigbeeScenario, zigbeeScenarioNames } from './network.ts';
import { provisionZigbee, type ZigbeeCredentials } from './provision.ts';

export const DEFAULT_ZIGBEE_CREDENTIALS = 'data/simulator/zigbee.json';

export interface ZigbeeRunOptions {
  broker: string;
  credentialsFile: string;
  provision: boolean;
  api: string;
  username: string;
  password: string | undefined;
  bridgeId: string | undefined;
  bridgeSecret: string | undefined;
  baseTopic: string | undefined;
  scenarios: string[];
  durationMs: number | undefined;
  intervalMs: number;
  interactive: boolean;
  seed: number;
}

export class ZigbeeUsageError extends Error {
  override name = 'ScenarioError';
}

/** `emergency@30s` → the scenario and when, in ms from start. */
export function parseZigbeeScenario(spec: string): { name: ZigbeeScenario; atMs: number } {
  const [name = '', at] = spec.split('@');
  if (!isZigbeeScenario(name)) {
    throw new ZigbeeUsageError(`unknown zigbee scenario "${name}"; one of ${zigbeeScenarioNames.join(', ')}`);
  }
  return { name, atMs: at === undefined ? 0 : parseDuration(at) };
}

async function credentialsFor(
  options: ZigbeeRunOptions,
): Promise<{ bridgeId: string; secret?: string; baseTopic?: string }> {
  if (options.provision) {
    if (!options.password) throw new ZigbeeUsageError('--provision needs --password (or HUB_ADMIN_PASSWORD)');
    const api = new HubApi(options.api);
    await api.login(options.username, options.password);
    const credentials = await provisionZigbee(api, {
      bridgeId: options.bridgeId ?? `z2m-${Date.now().toString(36)}`,
      baseTopic: options.baseTopic ?? 'zigbee2mqtt',
      random: createRandom(options.seed),
    });
    await mkdir(path.dirname(options.credentialsFile), { recursive: true });
    await writeFile(options.credentialsFile, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
    console.log(
      `Registered bridge ${credentials.bridgeId} and ${credentials.sensors.length} sensors; saved to ${options.credentialsFile}`,
    );
    return credentials;
  }
  if (options.bridgeId) {
    return {
      bridgeId: options.bridgeId,
      ...(options.bridgeSecret ? { secret: options.bridgeSecret } : {}),
      ...(options.baseTopic ? { baseTopic: options.baseTopic } : {}),
    };
  }
  if (existsSync(options.credentialsFile)) {
    const saved = JSON.parse(await readFile(options.credentialsFile, 'utf8')) as ZigbeeCredentials;
    return { bridgeId: saved.bridgeId, secret: saved.secret, baseTopic: saved.baseTopic };
  }
  throw new ZigbeeUsageError(
    `--zigbee needs --bridge <id> (and --bridge-secret), or ${options.credentialsFile} from --zigbee --provision`,
  );
}

export async function runZigbee(options: ZigbeeRunOptions): Promise<number> {
  const plan = options.scenarios.map(parseZigbeeScenario);
  const credentials = await credentialsFor(options);
  const bridge = new SimulatedBridge({
    brokerUrl: options.broker,
    bridgeId: credentials.bridgeId,
    ...(credentials.secret ? { secret: credentials.secret } : {}),
    ...(credentials.baseTopic ? { baseTopic: credentials.baseTopic } : {}),
    reportIntervalMs: options.intervalMs,
    log: (line) => console.log(line),
  });
  await bridge.start();
  const timers = plan.map(({ name, atMs }) => {
    console.log(`  scheduled at ${atMs / 1000} s: ${name}`);
    return setTimeout(() => void bridge.play(name), atMs);
  });
  await new Promise<void>((resolve) => {
    const done = () => resolve();
    process.once('SIGINT', done);
    if (options.durationMs !== undefined) setTimeout(done, options.durationMs);
    if (options.interactive) {
      console.log(`Type a scenario (${zigbeeScenarioNames.join(', ')}), or "quit".`);
      const input = createInterface({ input: process.stdin });
      input.on('line', (line) => {
        const command = line.trim();
        if (command === 'quit' || command === 'exit') {
          input.close();
          done();
        } else if (isZigbeeScenario(command)) void bridge.play(command);
        else if (command !== '')
          console.log(`unknown: "${command}"; one of ${zigbeeScenarioNames.join(', ')}, quit`);
      });
    }
  });
  for (const timer of timers) clearTimeout(timer);
  await bridge.stop();
  return 0;
}
