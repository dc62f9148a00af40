/**
 * The highest offered rate a system holds: steps up by half while each step holds, then halves the
 * gap between the last rate held and the first that was not until they are within 10 %.
 */
export interface StepResult {
  held: boolean;
  /** One line for the log. */
  detail: string;
}

export async function highestHeldRate(
  step: (rate: number) => Promise<StepResult>,
  options: { start: number; maxSteps: number; log: (line: string) => void; label: string },
): Promise<number> {
  let held = 0;
  let failed = Number.POSITIVE_INFINITY;
  let rate = options.start;
  for (let index = 0; index < options.maxSteps; index++) {
    const result = await step(rate);
    options.log(
      `  ${options.label} ${rate.toLocaleString('en-US')}/s: ${result.held ? 'held' : 'NOT held'} (${result.detail})`,
    );
    if (result.held) held = rate;
    else failed = rate;
    if (failed / Math.max(held, 1) <= 1.1) break;
    rate = Number.isFinite(failed) ? (held + failed) / 2 : rate * 1.5;
    rate = Math.max(100, Math.round(rate / 100) * 100);
    if (rate === held || rate === failed) break;
  }
  return held;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `count()` reaches `target`, or nothing arrived for `quietMs`, or `timeoutMs` passed. */
export async function settle(
  count: () => number,
  target: number,
  options: { quietMs: number; timeoutMs: number },
): Promise<number> {
  const deadline = performance.now() + options.timeoutMs;
  let last = count();
  let lastChange = performance.now();
  while (count() < target && performance.now() < deadline) {
    await sleep(10);
    const now = count();
    if (now !== last) {
      last = now;
      lastChange = performance.now();
    } else if (performance.now() - lastChange > options.quietMs) break;
  }
  return count();
}
