/**
 * A hub in its own process, for the cases that measure the process itself: settings from the
 * environment as `npm start` takes them, plus its resident memory and event-loop delay on request
 * over IPC (`stats`; `reset` starts a new delay window; `stop` shuts it down).
 */
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { loadConfig } from '../../server/config.ts';
import { createLogger, startHub } from '../../server/hub.ts';

export type HubProcessCommand = { cmd: 'stats' } | { cmd: 'reset' } | { cmd: 'stop' };
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
      /** Memory of ArrayBuffers (PGlite's WebAssembly memory among them). */
      arrayBuffersBytes: number;
      /** Event-loop delay since the last reset, in milliseconds. */
      delay: { p50: number; p99: number; max: number; mean: number };
      /**
       * Garbage collections since the last reset: how many were major (mark-compact), and the
       * longest pause of any kind, to tell a collection from the hub's own work in `delay.max`.
       */
      gc: { major: number; longestMs: number; longestKind: string };
    }
  | { type: 'stopped' };

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
const send = (message: HubProcessMessage) => process.send?.(message);

process.on('message', (message: HubProcessCommand) => {
  if (message.cmd === 'stats') {
    const memory = process.memoryUsage();
    send({
      type: 'stats',
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      arrayBuffersBytes: memory.arrayBuffers,
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
      arrayBuffersBytes: 0,
      delay: { p50: 0, p99: 0, max: 0, mean: 0 },
      gc,
    });
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
