/**
 * What the event loop was doing in its longest pauses: a V8 CPU profile (`.cpuprofile`, as the
 * inspector's Profiler writes it) cut into busy stretches, runs of samples with no idle one
 * between them, and each of the longest told by the functions it spent its time in.
 */

type CallFrame = { functionName: string; url: string; lineNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
export type CpuProfile = {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  /** Microseconds since the previous sample. */
  timeDeltas: number[];
};

export type Pause = {
  /** Milliseconds from the profile's start. */
  atMs: number;
  durationMs: number;
  /** Where the time went: the innermost frame of the hub's own code (else the leaf), by share. */
  own: { frame: string; ms: number }[];
  /** The leaf frames (self time), by share. */
  leaves: { frame: string; ms: number }[];
};

const IDLE = '(idle)';

function frameName(frame: CallFrame, root: string): string {
  const where = frame.url ? frame.url.replace(/^file:\/\//, '').replace(root, '') : '';
  const name = frame.functionName || '(anonymous)';
  return where ? `${name} ${where}:${frame.lineNumber + 1}` : name;
}

/** The hub's own code: a file under `root` outside node_modules. */
function isOwn(frame: CallFrame, root: string): boolean {
  return frame.url.includes(root) && !frame.url.includes('/node_modules/');
}

function top(totals: Map<string, number>, count: number): { frame: string; ms: number }[] {
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([frame, us]) => ({ frame, ms: us / 1000 }));
}

/** The `count` longest busy stretches of `profile`, longest first; `root` is the hub's folder. */
export function longestPauses(profile: CpuProfile, root: string, count = 3, frames = 8): Pause[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const ownOf = new Map<number, string>();
  const ownFrame = (id: number): string => {
    const known = ownOf.get(id);
    if (known !== undefined) return known;
    let at: number | undefined = id;
    let found: string | undefined;
    while (at !== undefined && found === undefined) {
      const node = byId.get(at);
      if (node && isOwn(node.callFrame, root)) found = frameName(node.callFrame, root);
      at = parentOf.get(at);
    }
    const name = found ?? frameName((byId.get(id) as ProfileNode).callFrame, root);
    ownOf.set(id, name);
    return name;
  };

  // Each sample's time is the delta before the next one.
  type Stretch = { start: number; end: number; atUs: number; us: number };
  const stretches: Stretch[] = [];
  let clock = 0;
  let current: Stretch | undefined;
  for (let index = 0; index < profile.samples.length; index += 1) {
    clock += profile.timeDeltas[index] ?? 0;
    const spent = profile.timeDeltas[index + 1] ?? 0;
    const node = byId.get(profile.samples[index] as number);
    if (!node || node.callFrame.functionName === IDLE) {
      current = undefined;
      continue;
    }
    if (!current) {
      current = { start: index, end: index, atUs: clock, us: 0 };
      stretches.push(current);
    }
    current.end = index;
    current.us += spent;
  }
  return stretches
    .sort((a, b) => b.us - a.us)
    .slice(0, count)
    .map((stretch) => {
      const own = new Map<string, number>();
      const leaves = new Map<string, number>();
      for (let index = stretch.start; index <= stretch.end; index += 1) {
        const id = profile.samples[index] as number;
        const spent = profile.timeDeltas[index + 1] ?? 0;
        const ownName = ownFrame(id);
        own.set(ownName, (own.get(ownName) ?? 0) + spent);
        const leaf = frameName((byId.get(id) as ProfileNode).callFrame, root);
        leaves.set(leaf, (leaves.get(leaf) ?? 0) + spent);
      }
      return {
        atMs: stretch.atUs / 1000,
        durationMs: stretch.us / 1000,
        own: top(own, frames),
        leaves: top(leaves, frames),
      };
    });
}

/** Lines for the bench's log. */
export function describePauses(pauses: Pause[]): string[] {
  const lines: string[] = [];
  for (const pause of pauses) {
    lines.push(`  busy ${pause.durationMs.toFixed(1)} ms at ${(pause.atMs / 1000).toFixed(1)} s:`);
    for (const { frame, ms } of pause.own) lines.push(`    ${ms.toFixed(1).padStart(7)} ms  ${frame}`);
    lines.push('    leaves:');
    for (const { frame, ms } of pause.leaves) lines.push(`    ${ms.toFixed(1).padStart(7)} ms  ${frame}`);
  }
  return lines;
}
