/**
 * Simulated watches and pendants (simulators/watches/) in a process of their own, so that the hub's
 * resident memory and event-loop delay are the hub's. The parent (watch-load.ts) drives it over IPC:
 * connect and log in the devices at a set rate, each then linking every `linkIntervalMs`; raise SOS
 * alarms on chosen devices; report counts.
 */
import type { WatchProtocolName } from '../../devices/watches/types.ts';
import { SimulatedWatchDevice } from '../../simulators/watches/device.ts';
import { paced } from './ipc.ts';

export type WatchLoadCommand =
  | {
      cmd: 'connect';
      host: string;
      ports: Record<WatchProtocolName, number>;
      devices: { id: string; protocol: WatchProtocolName }[];
      perSecond: number;
      linkIntervalMs: number;
    }
  | { cmd: 'sos'; ids: string[]; spacingMs: number }
  | { cmd: 'stats' }
  | { cmd: 'end' };

export type WatchLoadReply =
  | { type: 'connected'; connected: number; failed: number; firstError?: string }
  | {
      type: 'sos';
      /** Device id → epoch ms (sub-millisecond) the alarm was first written and the hub's answer read. */
      sentAt: Record<string, number>;
      answeredAt: Record<string, number>;
      attempts: number;
      unanswered: number;
    }
  | {
      type: 'stats';
      connected: number;
      links: number;
      linksAnswered: number;
      logins: number;
    };

const devices = new Map<string, SimulatedWatchDevice>();
const epochNow = () => performance.timeOrigin + performance.now();
const reply = (message: WatchLoadReply) => process.send?.(message);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function connect(command: Extract<WatchLoadCommand, { cmd: 'connect' }>): Promise<void> {
  // Logins are started at `perSecond`, at most 200 waiting for their answer at once.
  const result = await paced(command.devices.length, command.perSecond, (index) => {
    const { id, protocol } = command.devices[index] as { id: string; protocol: WatchProtocolName };
    const device = new SimulatedWatchDevice({
      id,
      protocol,
      endpoint: { host: command.host, port: command.ports[protocol] },
      linkIntervalMs: command.linkIntervalMs,
      // Alarms are answered within milliseconds here; a repeat would be a finding, not load.
      alarmRepeatMs: 10_000,
      alarmAttempts: 3,
      loginTimeoutMs: 30_000,
      clock: epochNow,
    });
    devices.set(id, device);
    return device.start();
  });
  reply({
    type: 'connected',
    connected: [...devices.values()].filter((device) => device.connected).length,
    ...result,
  });
}

async function sos(command: Extract<WatchLoadCommand, { cmd: 'sos' }>): Promise<void> {
  const outcomes = [];
  for (const id of command.ids) {
    const device = devices.get(id);
    if (!device) continue;
    outcomes.push(device.raise('sos').then((outcome) => ({ id, outcome })));
    await sleep(command.spacingMs);
  }
  const settled = await Promise.all(outcomes);
  const sentAt: Record<string, number> = {};
  const answeredAt: Record<string, number> = {};
  let attempts = 0;
  let unanswered = 0;
  for (const { id, outcome } of settled) {
    sentAt[id] = outcome.sentAt;
    if (outcome.answeredAt !== undefined) answeredAt[id] = outcome.answeredAt;
    else unanswered += 1;
    attempts += outcome.attempts;
  }
  reply({ type: 'sos', sentAt, answeredAt, attempts, unanswered });
}

process.on('message', (message: WatchLoadCommand) => {
  if (message.cmd === 'connect') void connect(message);
  else if (message.cmd === 'sos') void sos(message);
  else if (message.cmd === 'stats') {
    let connected = 0;
    let links = 0;
    let linksAnswered = 0;
    let logins = 0;
    for (const device of devices.values()) {
      const stats = device.stats();
      if (stats.connected) connected += 1;
      links += stats.links;
      linksAnswered += stats.linksAnswered;
      logins += stats.logins;
    }
    reply({ type: 'stats', connected, links, linksAnswered, logins });
  } else if (message.cmd === 'end') {
    void Promise.all([...devices.values()].map((device) => device.stop())).then(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
