/**
 * The hub's long-lived parts (the broker, the telemetry writer, detection, the alert workflow, the
 * live channel, the schedulers, the HTTP API) are extensions: each starts and stops. hub.ts lists
 * them once; they start in that order and stop in the reverse order, so a part stops before what it
 * relies on (the broker stops taking readings before the writer flushes them).
 */
export interface Extension {
  /** Named in the log when its stop fails. */
  readonly name: string;
  start(): Promise<void> | void;
  stop(): Promise<void> | void;
}

/** Runs each extension's `stop` in reverse order; a failure is reported and the rest still stop. */
async function stopInReverse(
  started: readonly Extension[],
  onStopError: (error: unknown, name: string) => void,
): Promise<void> {
  for (const extension of [...started].reverse()) {
    try {
      await extension.stop();
    } catch (error) {
      onStopError(error, extension.name);
    }
  }
}

/**
 * Starts the extensions in order and returns the stop of them all (in reverse order, once however
 * often it is called). When one fails to start, those already started are stopped and the error is
 * thrown; the one that failed is not stopped.
 */
export async function startExtensions(
  extensions: readonly Extension[],
  onStopError: (error: unknown, name: string) => void,
): Promise<() => Promise<void>> {
  const started: Extension[] = [];
  try {
    for (const extension of extensions) {
      await extension.start();
      started.push(extension);
    }
  } catch (error) {
    await stopInReverse(started, onStopError);
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return () => {
    stopped ??= stopInReverse(started, onStopError);
    return stopped;
  };
}
