/** `npm start`: the hub alone, configured from the environment. */
import { StartRefused } from './cluster/folder-lock.ts';
import { commandConfig } from './config.ts';
import { createLogger, startHub } from './hub.ts';

async function main(): Promise<void> {
  const config = commandConfig('start');
  if (!config) process.exit(2);
  const logger = createLogger(config.logLevel);
  const hub = await startHub(config, logger);
  let stopping = false;
  // SIGTERM (or Ctrl-C) drains: no new connections, the telemetry writer flushed (to the store or
  // its spool), the broker and the database closed, all within HUB_STOP_TIMEOUT_MS. A second
  // signal, or the bound, ends the process at once.
  const shutdown = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    const started = Date.now();
    logger.info({ signal }, 'stopping');
    const bound = setTimeout(() => {
      logger.error({ signal, timeoutMs: config.stopTimeoutMs }, 'stop took too long; exiting');
      process.exit(1);
    }, config.stopTimeoutMs);
    bound.unref();
    hub.stop().then(
      () => {
        logger.info({ signal, ms: Date.now() - started }, 'stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  const said =
    error instanceof StartRefused
      ? error.message
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
  process.stderr.write(`Cannot start: ${said}\n`);
  process.exit(1);
});
