/**
 * The batching writer between decoded readings and the telemetry store. It never loses a reading
 * because the store is away: a batch the store refuses to take goes to the on-disk spool, and while
 * the spool holds anything, new batches queue behind it so that the store sees readings in order.
 * A replay loop pings the store and drains the spool oldest-first once it answers, backing off while
 * it does not. A batch the store refuses for what is in it (HTTP 400: a field type conflict) is split
 * until the readings it refuses are found; those go to the dead-letter file, the others are written.
 * Only what exceeds the spool's or the dead-letter file's bound is dropped, counted and logged.
 */
import { join } from 'node:path';
import { type Counter, register as defaultRegistry, Gauge, type Registry } from 'prom-client';
import { countersIn, type Logger } from '../observe.ts';
import { DeadLetterFile } from './dead-letter.ts';
import { RejectedWriteError } from './errors.ts';
import { Spool } from './spool.ts';
import type { Point, TelemetryStore } from './types.ts';

/** The part of a pino logger the writer uses. */
export type WriterLogger = Logger;

export interface TelemetryWriterOptions {
  store: TelemetryStore;
  /** The hub's data folder; the spool lives in `<dataDir>/spool`. */
  dataDir: string;
  logger: WriterLogger;
  /** Where the counters are registered (default: prom-client's global registry). */
  registry?: Registry;
  /** Points per batch; reaching it sends the batch at once (default 500). */
  batchSize?: number;
  /**
   * While the store is busy with one write, the batches filled meanwhile go together in the next,
   * up to this many points (default ten batches): under load, fewer and larger writes.
   */
  maxWriteSize?: number;
  /** A partial batch is sent after this long (default 1 000 ms). */
  flushIntervalMs?: number;
  /** Bound of the on-disk spool in bytes (default 256 MiB). */
  spoolMaxBytes?: number;
  /** Bound of the dead-letter file in bytes (default 64 MiB). */
  deadLetterMaxBytes?: number;
  /**
   * On stop, how long the store may take to take what is buffered; what it has not taken by then
   * is put in the spool for the next start (default 5 000 ms).
   */
  stopFlushMs?: number;
  /** First wait before replaying the spool; doubled after each failed try (default 1 000 ms). */
  replayIntervalMs?: number;
  /** Longest wait between replay tries (default 30 000 ms). */
  maxReplayIntervalMs?: number;
}

interface WriterMetrics {
  written: Counter;
  writes: Counter;
  spooled: Counter;
  dropped: Counter;
  deadLettered: Counter;
  failures: Counter;
  spoolBytes: Gauge;
}

/** Registers the writer's metrics once per registry; a second writer on the same registry shares them. */
function writerMetrics(registry: Registry): WriterMetrics {
  const counter = countersIn(registry);
  const gaugeName = 'hub_telemetry_spool_bytes';
  return {
    written: counter('hub_telemetry_points_written_total', 'Points written to the telemetry store.'),
    writes: counter(
      'hub_telemetry_writes_total',
      'Writes the telemetry store took (points written / writes = points per write).',
    ),
    spooled: counter('hub_telemetry_points_spooled_total', 'Points put in the on-disk spool.'),
    dropped: counter(
      'hub_telemetry_points_dropped_total',
      'Points lost: past the bound of the spool or of the dead-letter file.',
    ),
    deadLettered: counter(
      'hub_telemetry_points_dead_lettered_total',
      'Points the store refused for what they hold (HTTP 400), kept in the dead-letter file.',
    ),
    failures: counter('hub_telemetry_write_failures_total', 'Batch writes the telemetry store refused.'),
    spoolBytes:
      (registry.getSingleMetric(gaugeName) as Gauge | undefined) ??
      new Gauge({ name: gaugeName, help: 'Bytes waiting in the on-disk spool.', registers: [registry] }),
  };
}

export class TelemetryWriter {
  readonly spool: Spool;
  readonly deadLetters: DeadLetterFile;
  private readonly options: Required<Omit<TelemetryWriterOptions, 'registry'>>;
  private readonly metrics: WriterMetrics;
  private buffer: Point[] = [];
  /** Batches handed to the chain and not yet written or spooled, in the order they were filled. */
  private readonly undelivered = new Set<Point[]>();
  /** Batches taken into an earlier batch's write: their own turn on the chain has nothing to do. */
  private readonly joined = new Set<Point[]>();
  /** Every store or spool operation runs on this chain, one at a time, which keeps batches in order. */
  private chain: Promise<void> = Promise.resolve();
  private flushTimer: NodeJS.Timeout | undefined;
  private replayTimer: NodeJS.Timeout | undefined;
  private replayDelay: number;
  private running = false;
  private replaying = false;

  constructor(options: TelemetryWriterOptions) {
    const batchSize = options.batchSize ?? 500;
    this.options = {
      flushIntervalMs: 1_000,
      spoolMaxBytes: 256 * 1024 * 1024,
      deadLetterMaxBytes: 64 * 1024 * 1024,
      stopFlushMs: 5_000,
      replayIntervalMs: 1_000,
      maxReplayIntervalMs: 30_000,
      ...options,
      batchSize,
      maxWriteSize: options.maxWriteSize ?? 10 * batchSize,
    };
    if (!(this.options.batchSize >= 1)) throw new RangeError('batchSize must be at least 1');
    if (!(this.options.maxWriteSize >= this.options.batchSize)) {
      throw new RangeError('maxWriteSize must be at least batchSize');
    }
    this.metrics = writerMetrics(options.registry ?? defaultRegistry);
    this.spool = new Spool({ dir: join(options.dataDir, 'spool'), maxBytes: this.options.spoolMaxBytes });
    this.deadLetters = new DeadLetterFile(
      join(options.dataDir, 'dead-letter'),
      this.options.deadLetterMaxBytes,
    );
    this.replayDelay = this.options.replayIntervalMs;
  }

  /** Opens the spool; what an earlier run left in it is replayed right away. */
  async start(): Promise<void> {
    if (this.running) return;
    await this.spool.open();
    await this.deadLetters.open();
    this.metrics.spoolBytes.set(this.spool.bytes);
    this.running = true;
    this.flushTimer = setInterval(() => void this.flush(), this.options.flushIntervalMs);
    if (!this.spool.isEmpty) {
      this.options.logger.info(
        { segments: this.spool.size, bytes: this.spool.bytes },
        'telemetry spool holds batches from an earlier run; replaying',
      );
      this.scheduleReplay(0);
    }
  }

  /** Sends what is buffered (to the store, or to the spool when it is away) and stops the timers. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.flushTimer);
    clearTimeout(this.replayTimer);
    this.flushTimer = undefined;
    this.replayTimer = undefined;
    const flushed = this.flush().then(() => true);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.options.stopFlushMs);
    });
    const inTime = await Promise.race([flushed, late]);
    clearTimeout(timer);
    if (inTime) return;
    // The store is hung: what it has not taken goes to the spool, replayed at the next start. A
    // batch whose write is still under way may reach the store too; InfluxDB keeps a point written
    // twice (same series and time) once.
    const batches = [...this.undelivered];
    this.undelivered.clear();
    this.joined.clear();
    let points = 0;
    for (const batch of batches) {
      await this.toSpool(batch);
      points += batch.length;
    }
    this.options.logger.warn(
      { points, batches: batches.length, store: this.options.store.kind, waitedMs: this.options.stopFlushMs },
      'telemetry store did not take the last readings in time; spooled for the next start',
    );
  }

  /** Buffers one point; a full batch is sent at once. */
  add(point: Point): void {
    this.buffer.push(point);
    if (this.buffer.length >= this.options.batchSize) void this.flush();
  }

  /** Points buffered in memory and not yet handed to the store or the spool. */
  get pending(): number {
    return this.buffer.length;
  }

  /** Hands everything buffered to the store (or spool); resolves once that is done. */
  flush(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.options.batchSize);
      this.undelivered.add(batch);
      this.enqueue(async () => {
        // Spooled by stop() already when the store hung, or gone with an earlier write.
        if (!this.undelivered.has(batch) || this.joined.has(batch)) return;
        const batches = this.batchesFrom(batch);
        try {
          await this.deliver(batches);
        } finally {
          for (const done of batches) {
            this.undelivered.delete(done);
            this.joined.delete(done);
          }
        }
      });
    }
    return this.chain;
  }

  /**
   * `first` and the batches filled after it that wait for their turn, up to `maxWriteSize` points:
   * the chain runs one write at a time, so everything behind `first` has not started.
   */
  private batchesFrom(first: Point[]): Point[][] {
    const batches = [first];
    let points = first.length;
    let behind = false;
    for (const batch of this.undelivered) {
      if (!behind) {
        behind = batch === first;
        continue;
      }
      if (points + batch.length > this.options.maxWriteSize) break;
      batches.push(batch);
      this.joined.add(batch);
      points += batch.length;
    }
    return batches;
  }

  private enqueue(task: () => Promise<void>): void {
    void this.onChain(task).catch(() => undefined);
  }

  /** Runs a task after every task queued before it; a failure is logged and does not stop the chain. */
  private onChain<T>(task: () => Promise<T>): Promise<T> {
    const result = this.chain.then(task);
    this.chain = result.then(
      () => undefined,
      (error: unknown) => {
        this.options.logger.error({ err: error }, 'telemetry writer step failed');
      },
    );
    return result;
  }

  /** Writes the batches as one; when the store is away (or the spool not yet drained), spools each. */
  private async deliver(batches: Point[][]): Promise<void> {
    if (this.spool.isEmpty) {
      const points = batches.length === 1 ? (batches[0] as Point[]) : batches.flat();
      try {
        await this.writeSortingOutRejected(points);
        return;
      } catch (error) {
        this.metrics.failures.inc();
        this.options.logger.warn(
          { err: error, points: points.length, store: this.options.store.kind },
          'telemetry store write failed; spooling the batch',
        );
      }
    }
    for (const batch of batches) await this.toSpool(batch);
  }

  private async toSpool(batch: Point[]): Promise<void> {
    let stored = false;
    try {
      stored = await this.spool.append(batch);
    } catch (error) {
      this.options.logger.error({ err: error, points: batch.length }, 'telemetry spool write failed');
    }
    if (stored) {
      this.metrics.spooled.inc(batch.length);
    } else {
      this.metrics.dropped.inc(batch.length);
      this.options.logger.error(
        { points: batch.length, spoolBytes: this.spool.bytes, maxBytes: this.spool.maxBytes },
        'telemetry spool is full; batch dropped',
      );
    }
    this.metrics.spoolBytes.set(this.spool.bytes);
    if (this.running && !this.replayTimer && !this.replaying && !this.spool.isEmpty)
      this.scheduleReplay(this.replayDelay);
  }

  /**
   * Writes the points; when the store refuses them for what they hold, halves the batch until the
   * refused readings are alone and puts those in the dead-letter file. Throws when the store is
   * unreachable (the caller spools); a store that took part of the batch before going away gets it
   * again on replay, which InfluxDB takes as the same points.
   */
  private async writeSortingOutRejected(points: Point[]): Promise<void> {
    try {
      await this.options.store.write(points);
      this.metrics.written.inc(points.length);
      this.metrics.writes.inc();
    } catch (error) {
      if (!(error instanceof RejectedWriteError)) throw error;
      this.metrics.failures.inc();
      if (points.length === 1) {
        await this.deadLetter(points, error);
        return;
      }
      const half = Math.ceil(points.length / 2);
      await this.writeSortingOutRejected(points.slice(0, half));
      await this.writeSortingOutRejected(points.slice(half));
    }
  }

  private async deadLetter(points: Point[], error: RejectedWriteError): Promise<void> {
    const at = new Date().toISOString();
    let kept = 0;
    try {
      kept = await this.deadLetters.add(
        points.map((point) => ({
          at,
          store: this.options.store.kind,
          status: error.status,
          reason: error.message,
          point,
        })),
      );
    } catch (writeError) {
      this.options.logger.error({ err: writeError }, 'telemetry dead-letter file not written');
    }
    this.metrics.deadLettered.inc(kept);
    if (kept < points.length) this.metrics.dropped.inc(points.length - kept);
    this.options.logger.error(
      {
        err: error,
        points: points.length,
        kept,
        deviceId: points[0]?.deviceId,
        store: this.options.store.kind,
        file: this.deadLetters.path,
      },
      kept === points.length
        ? 'telemetry store refused a reading; kept in the dead-letter file'
        : 'telemetry store refused a reading; dead-letter file full, dropped',
    );
  }

  private scheduleReplay(delay: number): void {
    clearTimeout(this.replayTimer);
    this.replayTimer = setTimeout(() => {
      this.replayTimer = undefined;
      void this.replay();
    }, delay);
  }

  /**
   * Drains the spool one segment per step on the shared chain, so batches flushed meanwhile land in
   * the spool behind the segments being replayed rather than overtaking them.
   */
  private async replay(): Promise<void> {
    if (!this.running) return;
    this.replaying = true;
    try {
      await this.replayUntilEmptyOrRefused();
    } finally {
      this.replaying = false;
    }
  }

  private async replayUntilEmptyOrRefused(): Promise<void> {
    let answers = false;
    try {
      answers = await this.options.store.ping();
    } catch {
      answers = false;
    }
    let drained = false;
    if (answers) {
      drained = true;
      while (this.running && !this.spool.isEmpty) {
        const ok = await this.onChain(() => this.replayOldest()).catch(() => false);
        if (!ok) {
          drained = false;
          break;
        }
      }
    }
    if (!this.running) return;
    if (drained && this.spool.isEmpty) {
      this.replayDelay = this.options.replayIntervalMs;
      this.options.logger.info({ store: this.options.store.kind }, 'telemetry spool replayed');
      return;
    }
    this.scheduleReplay(this.replayDelay);
    this.replayDelay = Math.min(this.replayDelay * 2, this.options.maxReplayIntervalMs);
  }

  /** Writes the oldest segment to the store and deletes it; false when the store refused it. */
  private async replayOldest(): Promise<boolean> {
    const segment = await this.spool.oldest();
    if (!segment) return true;
    try {
      if (segment.points.length > 0) await this.writeSortingOutRejected(segment.points);
    } catch (error) {
      this.metrics.failures.inc();
      this.options.logger.warn(
        { err: error, points: segment.points.length, store: this.options.store.kind },
        'telemetry spool replay failed; retrying later',
      );
      return false;
    }
    await this.spool.remove(segment.name);
    this.metrics.spoolBytes.set(this.spool.bytes);
    return true;
  }
}
