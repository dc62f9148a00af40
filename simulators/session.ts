/**
 * A running simulation as the operator sees it: the fleet, its scripted scenarios, commands typed
 * on stdin, the progress line, and a clean stop on Ctrl-C, `quit` or the end of `--duration`.
 * Shared by the simulate CLI and the demo.
 */
import { createInterface } from 'node:readline';
import type { Fleet, ReceivedCommand } from './fleet.ts';
import { formatProgress, ProgressLine } from './progress.ts';
import { commandHelp, parseCommand, type Scenario } from './scenarios.ts';

export interface SessionOptions {
  fleet: Fleet;
  plan: readonly Scenario[];
  /** Stop after this long; run until told otherwise when absent. */
  durationMs?: number;
  /** Read commands from stdin. */
  interactive: boolean;
  /** Called once with the function that prints above the progress line. */
  onReady?: (print: (line: string) => void) => void;
  /** Called before the fleet stops (the demo stops the hub after). */
  onStopping?: () => void;
}

export function describeCommand(received: ReceivedCommand): string {
  const command = received.command as Record<string, unknown>;
  const text = typeof command.text === 'string' ? command.text : JSON.stringify(command);
  const alert = typeof command.alertId === 'string' ? ` (alert ${command.alertId})` : '';
  return `◀ ${received.deviceId} of ${received.retiree} (#${received.retireeIndex}) got ${String(command.type ?? 'cmd')}: ${text}${alert}`;
}

/**
 * Once the terminal is gone, writing to it fails (EIO, EPIPE); the goodbye to the broker and the
 * hub's shutdown matter more than the lines nobody can read.
 */
export function ignoreClosedOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.listenerCount('error') === 0) stream.on('error', () => {});
  }
}

/** Runs until quit, SIGINT/SIGTERM or the duration; resolves after the fleet said goodbye. */
export async function runSession(options: SessionOptions): Promise<void> {
  const { fleet } = options;
  const progress = new ProgressLine({
    stream: process.stdout,
    read: () => ({ stats: fleet.stats(), elapsedMs: fleet.elapsed() }),
  });
  const print = (line: string) => progress.log(line);
  options.onReady?.(print);

  let finish: (reason: string) => void = () => {};
  const finished = new Promise<string>((resolve) => {
    finish = resolve;
  });

  // A Ctrl-C reaches every process of the terminal's group, and tsx relays it once more: later
  // signals must not kill the process while it says goodbye, so the handlers stay installed to
  // the end. A signal well after the first means the user insists.
  let firstSignalAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstSignalAt !== undefined && Date.now() - firstSignalAt > 1000) process.exit(130);
    firstSignalAt ??= Date.now();
    finish(signal);
  };
  // SIGHUP: the terminal closed (or `npm run` exited under us); still leave cleanly.
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, onSignal);
  ignoreClosedOutput();
  const durationTimer =
    options.durationMs !== undefined
      ? setTimeout(() => finish('duration reached'), options.durationMs)
      : undefined;

  const input = options.interactive ? createInterface({ input: process.stdin, terminal: false }) : undefined;
  input?.on('line', (line) => {
    try {
      const command = parseCommand(line, fleet.retireeCount);
      switch (command.kind) {
        case 'empty':
          return;
        case 'help':
          print(commandHelp());
          return;
        case 'status':
          print(formatProgress(fleet.stats(), fleet.elapsed()));
          return;
        case 'quit':
          finish('quit');
          return;
        case 'scenario':
          fleet.apply(command.scenario);
          return;
      }
    } catch (error) {
      print(`✗ ${(error as Error).message}  (type "help" for the list)`);
    }
  });

  fleet.play(options.plan);
  progress.start();
  const reason = await finished;
  progress.stop();
  if (durationTimer) clearTimeout(durationTimer);
  input?.close();
  console.log(`Stopping (${reason}): publishing offline status and disconnecting…`);
  options.onStopping?.();
  await fleet.stop();
  const stats = fleet.stats();
  console.log(
    `Done: ${stats.sent} messages sent, ${stats.events} events, ${stats.acks} acknowledgements received.`,
  );
}
