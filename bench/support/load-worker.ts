/**
 * The load generator, in its own process so that it does not share an event loop with what it
 * measures. The parent (bench/support/load.ts) drives it over IPC: connect devices, then publish
 * open-loop at a set rate, closed-loop with a window of unacknowledged QoS 1 messages per device,
 * or once per interval per device.
 */
import { paced } from './ipc.ts';
import { type DeviceCredentials, RawDevice } from './raw-device.ts';
import { telemetryTopic, watchTelemetry } from './telemetry.ts';

export type LoadCommand =
  | { cmd: 'connect'; port: number; devices: DeviceCredentials[]; perSecond: number }
  | { cmd: 'open'; rate: number; durationMs: number; qos: 0 | 1 }
  | { cmd: 'closed'; durationMs: number; window: number }
  | { cmd: 'periodic'; intervalMs: number }
  | { cmd: 'stopPeriodic' }
  | { cmd: 'end' };

export type LoadReply =
  | { type: 'connected'; connected: number; failed: number; firstError?: string }
  | {
      type: 'done';
      sent: number;
      acked: number;
      /** Epoch ms of the first and last write. */
      firstAt: number;
      lastAt: number;
      /** Epoch ms of the last PUBACK (QoS 1). */
      lastAckAt: number;
      maxBacklogBytes: number;
      closedDevices: number;
    };

const devices: RawDevice[] = [];
let sequence = 0;
/** The last `ts` each device sent: a device never sends two readings stamped the same millisecond. */
const lastTs = new Map<string, number>();
let periodicTimers: NodeJS.Timeout[] = [];
let periodicSent = 0;

const epochNow = () => performance.timeOrigin + performance.now();
const reply = (message: LoadReply) => process.send?.(message);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function publishNext(device: RawDevice, qos: 0 | 1): boolean {
  sequence += 1;
  const ts = Math.max(Date.now(), (lastTs.get(device.id) ?? 0) + 1);
  lastTs.set(device.id, ts);
  return device.publish(telemetryTopic(device.id), watchTelemetry(sequence, ts), qos);
}

async function connect(command: Extract<LoadCommand, { cmd: 'connect' }>): Promise<void> {
  // Connections are opened at `perSecond`, at most 200 waiting for their CONNACK at once.
  const result = await paced(command.devices.length, command.perSecond, async (index) => {
    devices.push(await RawDevice.connect(command.port, command.devices[index] as DeviceCredentials));
  });
  reply({ type: 'connected', connected: devices.length, ...result });
}

/** Open loop: `rate` messages a second spread over all devices, whatever the broker does. */
async function open(command: Extract<LoadCommand, { cmd: 'open' }>): Promise<void> {
  for (const device of devices) device.acked = 0;
  let sent = 0;
  let maxBacklog = 0;
  let lastAckAt = 0;
  for (const device of devices) device.onAck = () => (lastAckAt = epochNow());
  const firstAt = epochNow();
  const start = performance.now();
  let cursor = 0;
  for (;;) {
    const elapsed = performance.now() - start;
    if (elapsed >= command.durationMs) break;
    const due = Math.floor((command.rate * elapsed) / 1000);
    while (sent < due) {
      const device = devices[cursor] as RawDevice;
      cursor = (cursor + 1) % devices.length;
      publishNext(device, command.qos);
      sent += 1;
    }
    if (sent % 64 === 0) {
      let backlog = 0;
      for (const device of devices) backlog += device.backlogBytes;
      maxBacklog = Math.max(maxBacklog, backlog);
    }
    await sleep(1);
  }
  const lastAt = epochNow();
  // At QoS 1, wait up to 10 s for the PUBACKs still due.
  await finish(command.qos === 1 ? 10_000 : 0, () => ({
    sent,
    firstAt,
    lastAt,
    lastAckAt,
    maxBacklogBytes: maxBacklog,
  }));
  for (const device of devices) device.inflight.clear();
}

/** Closed loop at QoS 1: each device keeps `window` messages unacknowledged, as fast as they come back. */
async function closed(command: Extract<LoadCommand, { cmd: 'closed' }>): Promise<void> {
  let sent = 0;
  let lastAckAt = 0;
  let running = true;
  const firstAt = epochNow();
  let lastAt = firstAt;
  for (const device of devices) {
    device.acked = 0;
    device.onAck = () => {
      lastAckAt = epochNow();
      if (running) {
        publishNext(device, 1);
        sent += 1;
        lastAt = lastAckAt;
      }
    };
    for (let i = 0; i < command.window; i++) {
      publishNext(device, 1);
      sent += 1;
    }
  }
  await sleep(command.durationMs);
  running = false;
  await finish(30_000, () => ({ sent, firstAt, lastAt, lastAckAt, maxBacklogBytes: 0 }));
  for (const device of devices) device.onAck = undefined;
}

/**
 * Waits up to `waitMs` for the acknowledgements still due, then reports the run: `run` is read
 * after the wait, so the acknowledgements that came in it count.
 */
async function finish(
  waitMs: number,
  run: () => Omit<Extract<LoadReply, { type: 'done' }>, 'type' | 'acked' | 'closedDevices'>,
): Promise<void> {
  const deadline = performance.now() + waitMs;
  while (devices.some((device) => device.inflight.size > 0) && performance.now() < deadline) await sleep(5);
  reply({
    type: 'done',
    ...run(),
    acked: devices.reduce((total, device) => total + device.acked, 0),
    closedDevices: devices.filter((device) => device.closed).length,
  });
}

/** Each device publishes once every `intervalMs` (QoS 0), the devices spread evenly over it. */
function periodic(command: Extract<LoadCommand, { cmd: 'periodic' }>): void {
  periodicSent = 0;
  devices.forEach((device, index) => {
    const phase = (index / devices.length) * command.intervalMs;
    const first = setTimeout(() => {
      const send = () => {
        if (!device.closed) {
          publishNext(device, 0);
          periodicSent += 1;
        }
      };
      send();
      periodicTimers.push(setInterval(send, command.intervalMs));
    }, phase);
    periodicTimers.push(first);
  });
}

function stopPeriodic(): void {
  for (const timer of periodicTimers) clearTimeout(timer);
  periodicTimers = [];
  const now = epochNow();
  reply({
    type: 'done',
    sent: periodicSent,
    acked: 0,
    firstAt: now,
    lastAt: now,
    lastAckAt: 0,
    maxBacklogBytes: 0,
    closedDevices: devices.filter((device) => device.closed).length,
  });
}

process.on('message', (message: LoadCommand) => {
  const fail = (error: unknown) => {
    console.error(error);
    process.exit(1);
  };
  switch (message.cmd) {
    case 'connect':
      connect(message).catch(fail);
      break;
    case 'open':
      open(message).catch(fail);
      break;
    case 'closed':
      closed(message).catch(fail);
      break;
    case 'periodic':
      periodic(message);
      break;
    case 'stopPeriodic':
      stopPeriodic();
      break;
    case 'end':
      for (const device of devices) device.end();
      setTimeout(() => process.exit(0), 200);
      break;
  }
});
process.on('disconnect', () => process.exit(0));
