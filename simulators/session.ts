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

  const onSignal = (signal: NodeJS.Signals) => finish(signal);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
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
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
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
