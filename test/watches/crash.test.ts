/**
 * A watch repeats an alarm until the hub answers it, and the hub answers only once the alarm's
 * alert is stored. So the hub killed with SIGKILL anywhere between the alarm and the answer costs
 * a repeat, never the alarm, and the repeat opens no second alert: the alarm's event id comes from
 * what the watch sent, so the stored alert knows it again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../server/schemas/index.ts';
import { threeGFrame } from '../../simulators/watches/frames.ts';
import { DeviceLink } from '../helpers/device-link.ts';
import { eventually } from '../helpers/hub.ts';
import { type HubProcess, spawnHub } from '../helpers/hub-process.ts';
import { freePort, makeTempDir } from '../helpers/tmp.ts';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A 3G SOS alarm (status bit 16) the watch stamped 17 May 2025 21:41:18 UTC (DDMMYY): the same bytes on each repeat. */
const alarmOf = (watch: string) =>
  threeGFrame(watch, 'AL_LTE,170525,214118,V,0,N,0,E,0,0,0,0,0,22,0,0,00010000,0,0,0');

describe('a watch alarm across a kill -9 of the hub', () => {
  it('opens exactly one alert whether the hub dies before the alert is stored or before its answer arrives', async () => {
    const dir = await makeTempDir('watch-kill-');
    cleanups.push(() => dir.remove());
    const ports = { http: await freePort(), mqtt: await freePort(), watch: await freePort() };
    const start = async (): Promise<HubProcess> => {
      const hub = await spawnHub({
        dataDir: dir.path,
        httpPort: ports.http,
        mqttPort: ports.mqtt,
        env: { HUB_WATCH_3G_PORT: String(ports.watch), HUB_WATCH_HOST: '127.0.0.1' },
      });
      cleanups.push(() => hub.kill());
      return hub;
    };
    const alertsOf = async (hub: HubProcess, watch: string) =>
      (await hub.api<Alert[]>('GET', '/api/alerts')).body.filter((alert) => alert.deviceId === watch);

    let hub = await start();
    // Killed at once after the alarm is written: most likely before its alert is stored.
    const early = '4700186601';
    // Killed once the alert is stored: the answer is lost with the connection.
    const late = '4700186602';
    // Each on a retiree of their own: a second SOS of one retiree joins the alert already open.
    await hub.addDevice(early, 'watch.3g', (await hub.addRetiree()).id);
    await hub.addDevice(late, 'watch.3g', (await hub.addRetiree()).id);

    const first = await DeviceLink.open(ports.watch);
    first.send(alarmOf(early));
    await hub.kill();
    hub = await start();
    const retry = await DeviceLink.open(ports.watch);
    retry.send(alarmOf(early));
    await retry.answered(`[3G*${early}*0002*AL]`);
    // One alert, one occurrence: the repeat is known as the same alarm, not a second press.
    expect(await alertsOf(hub, early)).toMatchObject([{ kind: 'sos', status: 'open', count: 1 }]);
    first.end();
    retry.end();

    const second = await DeviceLink.open(ports.watch);
    second.send(alarmOf(late));
    const [stored] = await eventually(async () => {
      const alerts = await alertsOf(hub, late);
      return alerts.length > 0 ? alerts : undefined;
    });
    await hub.kill();
    // The watch never read the answer: the connection it would have come on is gone.
    second.end();
    hub = await start();
    const repeat = await DeviceLink.open(ports.watch);
    repeat.send(alarmOf(late));
    await repeat.answered(`[3G*${late}*0002*AL]`);
    const after = await alertsOf(hub, late);
    expect(after).toMatchObject([{ id: stored?.id, count: 1 }]);
    repeat.end();
  });
});
