/**
 * A hub in its own process, for the cases that measure the process itself: settings from the
 * environment as `npm start` takes them, plus its resident memory and event-loop delay on request
 * over IPC (`stats`; `reset` starts a new delay window; `profile-start` and `profile-stop` take a
 * CPU profile of a window; `opened` tells when each alert opened, the moment the hub handed it to
 * the dashboards' sockets; `stop` shuts it down).
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { loadConfig } from '../../server/config.ts';
import { createLogger, startHub } from '../../server/hub.ts';

export type HubProcessCommand =
  | { cmd: 'stats' }
  | { cmd: 'reset' }
  | { cmd: 'stop' }
  /** When each device's last alert opened (epoch ms), since the start. */
  | { cmd: 'opened' }
  /** Starts V8's sampling profiler, a sample every `intervalUs` microseconds. */
  | { cmd: 'profile-start'; intervalUs: number }
  /** Stops it and writes the profile to `file` (`.cpuprofile`, for the Chromium DevTools). */
  | { cmd: 'profile-stop'; file: string };
export type HubProcessMessage =
  | {
      type: 'ready';
      url: string;
      mqttPort: number;
      /** 0 for a protocol whose listener is off. */
      watchPorts: { '3g': number; iw: number; jt808: number };
    }
  | {
      type: 'stats';
      rssBytes: number;
      heapUsedBytes: number;
      /** V8's heap as reserved from the system, the young generation's semi-spaces included. */
      heapTotalBytes: number;
      /** Memory of ArrayBuffers. */
      arrayBuffersBytes: number;
      /** Memory outside V8's heap held by its objects: PGlite's WebAssembly memory among it. */
      externalBytes: number;
      /** Event-loop delay since the last reset, in milliseconds. */
      delay: { p50: number; p99: number; max: number; mean: number };
      /**
       * Garbage collections since the last reset: how many were major (mark-compact), and the
       * longest pause of any kind, to tell a collection from the hub's own work in `delay.max`.
       */
      gc: { major: number; longestMs: number; longestKind: string };
    }
  | { type: 'stopped' }
  | { type: 'opened'; at: Record<string, number> }
  | { type: 'profiling' }
  | { type: 'profiled'; file: string };

const config = loadConfig(process.env);
const hub = await startHub(config, createLogger(config.logLevel));
const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};
let gc = { major: 0, longestMs: 0, longestKind: 'none' };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = (entry as { detail?: { kind?: number } }).detail?.kind ?? -1;
    if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) gc.major += 1;
    if (entry.duration > gc.longestMs)
      gc = { ...gc, longestMs: entry.duration, longestKind: GC_KINDS[kind] ?? String(kind) };
  }
}).observe({ entryTypes: ['gc'] });
// Registered after the live channel's listener: the stamp follows the alert's writes to every socket.
const openedAt: Record<string, number> = {};
hub.bus.on('alert.changed', 'bench', ({ change, alert }) => {
  if (change === 'opened' && alert.deviceId)
    openedAt[alert.deviceId] = performance.timeOrigin + performance.now();
});
const send = (message: HubProcessMessage) => process.send?.(message);
let profiler: Session | undefined;

async function startProfile(intervalUs: number): Promise<void> {
  profiler = new Session();
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.setSamplingInterval', { interval: intervalUs });
  await profiler.post('Profiler.start');
  send({ type: 'profiling' });
}

async function stopProfile(file: string): Promise<void> {
  if (!profiler) throw new Error('the profiler is not running');
  const { profile } = await profiler.post('Profiler.stop');
  profiler.disconnect();
  profiler = undefined;
  await writeFile(file, JSON.stringify(profile));
  send({ type: 'profiled', file });
}

process.on('message', (message: HubProcessCommand) => {
  if (message.cmd === 'stats') {
    const memory = process.memoryUsage();
    send({
      type: 'stats',
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      heapTotalBytes: memory.heapTotal,
      arrayBuffersBytes: memory.arrayBuffers,
      externalBytes: memory.external,
      delay: {
        p50: delay.percentile(50) / 1e6,
        p99: delay.percentile(99) / 1e6,
        max: delay.max / 1e6,
        mean: delay.mean / 1e6,
      },
      gc,
    });
  } else if (message.cmd === 'reset') {
    delay.reset();
    gc = { major: 0, longestMs: 0, longestKind: 'none' };
    send({
      type: 'stats',
      rssBytes: 0,
      heapUsedBytes: 0,
      heapTotalBytes: 0,
      arrayBuffersBytes: 0,
      externalBytes: 0,
      delay: { p50: 0, p99: 0, max: 0, mean: 0 },
      gc,
    });
  } else if (message.cmd === 'opened') {
    send({ type: 'opened', at: openedAt });
  } else if (message.cmd === 'profile-start') {
    void startProfile(message.intervalUs);
  } else if (message.cmd === 'profile-stop') {
    void stopProfile(message.file);
  } else if (message.cmd === 'stop') {
    delay.disable();
    void hub.stop().then(() => {
      send({ type: 'stopped' });
      process.exit(0);
    });
  }
});
process.on('disconnect', () => {
  void hub.stop().then(() => process.exit(0));
});
send({ type: 'ready', url: hub.url, mqttPort: hub.mqttPort, watchPorts: hub.watchPorts });
