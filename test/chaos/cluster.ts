/**
 * The SOS chaos run on a cluster: two hub instances on one PostgreSQL and Redis consume the
 * pendants' presses from Mosquitto, and at random one instance is killed with SIGKILL and started
 * again, or Mosquitto is stopped in good order (it keeps its sessions on disk) and started again.
 * The pendants are MQTT clients of Mosquitto that keep an unacknowledged QoS 1 press and send it
 * again. At the end every press must be in exactly one alert's steps. Used by
 * `npm run chaos -- --cluster` and, small, by the test suite.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createRandom } from '../../simulators/vitals.ts';
import { eventually } from '../helpers/hub.ts';
import { type HubProcess, spawnHub } from '../helpers/hub-process.ts';
import { DYNSEC_ADMIN, type DynsecMosquitto, startDynsecMosquitto } from '../helpers/mosquitto.ts';
import { type PostgresServer, startPostgres } from '../helpers/postgres.ts';
import { type RedisServer, startRedis } from '../helpers/redis.ts';
import { freePort, makeTempDir, type TempDir } from '../helpers/tmp.ts';
import {
  closePendants,
  connectPendants,
  type Pendant,
  pacedPresses,
  readBack,
  type SosChaosResult,
} from './sos.ts';

export interface ClusterChaosOptions {
  events: number;
  devices: number;
  rate: number;
  /** Times a hub instance, either one, is killed with SIGKILL and started again. */
  hubKills: number;
  /**
   * Times Mosquitto is stopped and started again. Mosquitto 2.0.11 loses the presses published
   * after its restart until the instances have subscribed again: with restarts, lost is not 0.
   */
  brokerRestarts: number;
  seed?: number;
  log?: (line: string) => void;
}

export type ClusterChaosResult = Omit<SosChaosResult, 'influxOutages'> & { brokerRestarts: number };

interface Instance {
  name: string;
  dir: TempDir;
  httpPort: number;
  mqttPort: number;
  hub: HubProcess;
}

export async function runClusterChaos(options: ClusterChaosOptions): Promise<ClusterChaosResult> {
  const log = options.log ?? (() => {});
  const next = createRandom(options.seed ?? 1);
  const started = Date.now();
  const [postgres, redis, mosquitto]: [PostgresServer | null, RedisServer | null, DynsecMosquitto | null] =
    await Promise.all([startPostgres(), startRedis(), startDynsecMosquitto({ persistent: true })]);
  const instances: Instance[] = [];
  const pendants: Pendant[] = [];
  try {
    if (!postgres || !redis || !mosquitto) {
      throw new Error(
        'PostgreSQL, redis-server and mosquitto are needed: apt-get install postgresql redis-server mosquitto',
      );
    }
    const env = {
      HUB_DATABASE_URL: await postgres.createDatabase(),
      HUB_REDIS_URL: redis.url,
      HUB_BROKER_URL: mosquitto.url,
      HUB_BROKER_USER: 'junxiu-hub',
      HUB_BROKER_PASSWORD: 'chaos-consumer-password-0123456789',
      HUB_MOSQUITTO_URL: mosquitto.url,
      HUB_MOSQUITTO_USER: DYNSEC_ADMIN.username,
      HUB_MOSQUITTO_PASSWORD: DYNSEC_ADMIN.password,
      HUB_SECRET_KEY: Buffer.alloc(32, 9).toString('base64'),
      HUB_INSTANCE_STALE_SECONDS: '3',
      HUB_LOG_LEVEL: 'error',
    };
    const start = (instance: Omit<Instance, 'hub'>) =>
      spawnHub({
        dataDir: instance.dir.path,
        httpPort: instance.httpPort,
        mqttPort: instance.mqttPort,
        env: { ...env, HUB_INSTANCE_NAME: instance.name },
      });
    for (const name of ['one', 'two']) {
      const place = {
        name,
        dir: await makeTempDir('junxiu-chaos-'),
        httpPort: await freePort(),
        mqttPort: await freePort(),
      };
      instances.push({ ...place, hub: await start(place) });
    }
    const [first] = instances as [Instance];
    log(
      `hub instances on ${instances.map((instance) => instance.hub.url).join(' and ')}, Mosquitto on ${mosquitto.url}`,
    );

    pendants.push(
      ...(await connectPendants(first.hub, mosquitto.url, options.devices, 'chaos-cluster-pendant')),
    );
    log(`${pendants.length} pendants connected to Mosquitto`);

    let longestRestartMs = 0;
    const runFault = async (kind: 'hub' | 'broker', sent: number) => {
      if (kind === 'hub') {
        const instance = instances[Math.floor(next() * instances.length)] as Instance;
        log(`  kill -9 instance ${instance.name} at press ${sent}`);
        const killedAt = Date.now();
        await instance.hub.kill();
        await sleep(200 + next() * 1_500);
        instance.hub = await start(instance);
        longestRestartMs = Math.max(longestRestartMs, Date.now() - killedAt);
      } else {
        log(`  restart Mosquitto at press ${sent}`);
        await mosquitto.restart();
      }
    };

    const { sent, sentIds, presser, sendingMs } = await pacedPresses({
      pendants,
      events: options.events,
      rate: options.rate,
      next,
      faults: { hub: options.hubKills, broker: options.brokerRestarts },
      runFault,
    });
    log(`sent ${sent} presses in ${sendingMs} ms; waiting for the broker's acknowledgements`);
    await eventually(() => presser.acknowledged >= sent, 180_000);
    presser.report(log);
    // The broker acknowledged every press; the instances take what is still queued for them.
    let outcome = await readBack(first.hub.api, pendants, sentIds);
    const deadline = Date.now() + 120_000;
    while (outcome.lost > 0 && Date.now() < deadline) {
      await sleep(1_000);
      outcome = await readBack(first.hub.api, pendants, sentIds);
    }
    return {
      sent,
      acknowledged: presser.acknowledged,
      ...outcome,
      hubKills: options.hubKills,
      brokerRestarts: options.brokerRestarts,
      retried: presser.retried,
      durationMs: Date.now() - started,
      longestRestartMs,
    };
  } finally {
    await closePendants(pendants);
    for (const instance of instances) {
      await instance.hub.kill();
      await instance.dir.remove();
    }
    await Promise.all([mosquitto?.stop(), redis?.stop(), postgres?.stop()]);
  }
}
