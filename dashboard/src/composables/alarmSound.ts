/**
 * The alarm tone, made with the Web Audio API so no audio file has to load (or fail to load).
 * Browsers keep audio locked until the user interacts with the page; until then `soundUnlocked`
 * is false and the header shows a control that unlocks it.
 *
 * Each level has a sound of its own, so the room knows how urgent it is before anyone looks:
 * critical alerts sound a fast two-tone siren until they are acknowledged, high ones a slower
 * falling pair of tones, medium and low ones a single soft chime when they open, so a battery
 * warning at 3 a.m. is heard without startling anyone. The most severe open (unacknowledged) alert
 * decides; when none is left, the sound stops.
 *
 * A mute lasts 5, 15 or 30 minutes and then ends by itself, so an operator who steps away never
 * comes back to a silent wall; a critical alert that opens meanwhile ends it at once. It belongs to
 * the browser tab (sessionStorage): a reload keeps it with its end time, another tab is not muted.
 */
import { computed, readonly, ref } from 'vue';
import type { Severity } from '../../../devices/contract.ts';

/** What the speaker does: medium and low alerts share the soft chime. */
export type SoundLevel = 'critical' | 'high' | 'low';

interface Tone {
  frequency: number;
  offset: number;
  duration: number;
}

interface Pattern {
  /** Repeat period; null plays the pattern once, when its level starts. */
  everyMs: number | null;
  volume: number;
  wave: OscillatorType;
  tones: Tone[];
}

const patterns: Record<SoundLevel, Pattern> = {
  // Two tones a fourth apart alternating fast, the siren people read as an emergency.
  critical: {
    everyMs: 1000,
    volume: 0.35,
    wave: 'square',
    tones: [
      { frequency: 988, offset: 0, duration: 0.18 },
      { frequency: 740, offset: 0.22, duration: 0.18 },
      { frequency: 988, offset: 0.44, duration: 0.18 },
      { frequency: 740, offset: 0.66, duration: 0.18 },
    ],
  },
  high: {
    everyMs: 3000,
    volume: 0.3,
    wave: 'triangle',
    tones: [
      { frequency: 784, offset: 0, duration: 0.28 },
      { frequency: 587, offset: 0.36, duration: 0.34 },
    ],
  },
  // A sine with a long release, the upper note of a third over the lower: a chime, not a beep.
  low: {
    everyMs: null,
    volume: 0.18,
    wave: 'sine',
    tones: [
      { frequency: 659, offset: 0, duration: 0.45 },
      { frequency: 523, offset: 0.3, duration: 0.7 },
    ],
  },
};

export const MUTE_CHOICES = [5, 15, 30] as const;
export type MuteMinutes = (typeof MUTE_CHOICES)[number];

/** The tab's mute: when it ends, and the critical alerts already open when it began. */
interface Mute {
  until: number;
  criticalIds: string[];
}

const muteKey = 'junxiu.sound.mute';

export function soundLevel(severity: Severity): SoundLevel {
  return severity === 'critical' || severity === 'high' ? severity : 'low';
}

let context: AudioContext | null = null;
let timer: number | null = null;
let muteTimer: number | null = null;
let countdownTimer: number | null = null;
let lastChimeAt = 0;
const current = ref<SoundLevel | null>(null);
const unlocked = ref(false);
const mute = ref<Mute | null>(null);
const clock = ref(Date.now());
/** Ids of the open critical alerts, as last seen. */
let openCritical: string[] = [];
/** Ids of every open alert, as last seen; null before the first look. */
let openIds: Set<string> | null = null;

export const soundUnlocked = readonly(unlocked);

/** What sounds now: the level in force, unless audio is still locked or the tab is muted. */
export const playing = computed<SoundLevel | null>(() =>
  unlocked.value && !mute.value ? current.value : null,
);

/** When the tab's mute ends (epoch ms), or null when it is not muted. */
export const mutedUntil = computed(() => mute.value?.until ?? null);

/** Whole seconds of mute left, counting down once a second; 0 when not muted. */
export const muteSecondsLeft = computed(() =>
  mute.value ? Math.max(0, Math.ceil((mute.value.until - clock.value) / 1000)) : 0,
);

function ensureContext(): AudioContext | null {
  if (context) return context;
  if (typeof AudioContext === 'undefined') return null;
  context = new AudioContext();
  const created = context;
  created.addEventListener('statechange', () => {
    unlocked.value = created.state === 'running';
  });
  unlocked.value = created.state === 'running';
  return context;
}

function playTone(audio: AudioContext, startAt: number, tone: Tone, pattern: Pattern): void {
  const oscillator = audio.createOscillator();
  const gain = audio.createGain();
  oscillator.type = pattern.wave;
  oscillator.frequency.value = tone.frequency;
  // A short attack and release avoid the click of a hard start and stop; the chime decays slowly.
  const release = pattern.everyMs === null ? tone.duration * 0.8 : 0.03;
  gain.gain.setValueAtTime(0.0001, startAt);
  gain.gain.exponentialRampToValueAtTime(pattern.volume, startAt + 0.02);
  gain.gain.setValueAtTime(pattern.volume, startAt + tone.duration - release);
  gain.gain.exponentialRampToValueAtTime(0.0001, startAt + tone.duration);
  oscillator.connect(gain).connect(audio.destination);
  oscillator.start(startAt);
  oscillator.stop(startAt + tone.duration + 0.02);
}

/** Sounds `level` once, if audio runs; `force` plays through a mute (the test button). */
function playPattern(level: SoundLevel, force = false): void {
  if (mute.value && !force) return;
  const audio = ensureContext();
  if (audio?.state !== 'running') return;
  const pattern = patterns[level];
  // The chime is asked for by both the level starting and a new alert opening; one is enough.
  if (pattern.everyMs === null && !force) {
    if (Date.now() - lastChimeAt < 1500) return;
    lastChimeAt = Date.now();
  }
  const startAt = audio.currentTime + 0.02;
  for (const tone of pattern.tones) playTone(audio, startAt + tone.offset, tone, pattern);
}

function stopTimer(): void {
  if (timer !== null) window.clearInterval(timer);
  timer = null;
}

/**
 * Sound for the most severe open alert's `severity` until called with null. Safe to call on every
 * change; restarts only on a new level.
 */
export function setAlarm(severity: Severity | null): void {
  const level = severity ? soundLevel(severity) : null;
  if (level === current.value) return;
  current.value = level;
  stopTimer();
  if (!level) return;
  playPattern(level);
  const every = patterns[level].everyMs;
  if (every !== null) timer = window.setInterval(() => playPattern(level), every);
}

/**
 * The open alerts, each time they change. A critical one that was not open when the mute began
 * ends the mute, so an SOS is never met by a forgotten mute; a new alert of a chiming level chimes
 * again, though the level did not change.
 */
export function noteOpenAlerts(open: readonly { id: string; severity: Severity }[]): void {
  openCritical = open.filter((alert) => alert.severity === 'critical').map((alert) => alert.id);
  const known = mute.value?.criticalIds;
  if (known && openCritical.some((id) => !known.includes(id))) unmute();
  const before = openIds;
  openIds = new Set(open.map((alert) => alert.id));
  if (before && current.value === 'low' && open.some((alert) => !before.has(alert.id))) playPattern('low');
}

function storeMute(value: Mute | null): void {
  try {
    if (value) sessionStorage.setItem(muteKey, JSON.stringify(value));
    else sessionStorage.removeItem(muteKey);
  } catch {
    // Storage refused (private mode, quota): the mute still holds in this page.
  }
}

function storedMute(): Mute | null {
  try {
    const parsed: unknown = JSON.parse(sessionStorage.getItem(muteKey) ?? 'null');
    if (!parsed || typeof parsed !== 'object') return null;
    const { until, criticalIds } = parsed as Partial<Mute>;
    if (typeof until !== 'number' || !Array.isArray(criticalIds)) return null;
    // A stored end beyond the longest choice is not one this page wrote.
    const longest = Math.max(...MUTE_CHOICES) * 60_000;
    if (until <= Date.now() || until > Date.now() + longest) return null;
    return { until, criticalIds: criticalIds.filter((id): id is string => typeof id === 'string') };
  } catch {
    return null;
  }
}

function startMute(value: Mute): void {
  mute.value = value;
  clock.value = Date.now();
  if (muteTimer !== null) window.clearTimeout(muteTimer);
  if (countdownTimer !== null) window.clearInterval(countdownTimer);
  muteTimer = window.setTimeout(unmute, Math.max(0, value.until - Date.now()));
  countdownTimer = window.setInterval(() => {
    clock.value = Date.now();
    // A timer of a hidden tab may fire late; the countdown reaching zero ends the mute all the same.
    if (clock.value >= value.until) unmute();
  }, 1000);
}

/** Silence this tab for `minutes`; what is still open sounds again when the mute ends. */
export function muteFor(minutes: MuteMinutes): void {
  if (!MUTE_CHOICES.includes(minutes)) return;
  const value = { until: Date.now() + minutes * 60_000, criticalIds: [...openCritical] };
  storeMute(value);
  startMute(value);
}

/** End the mute now (the button, its time running out, or a new critical alert). */
export function unmute(): void {
  if (muteTimer !== null) window.clearTimeout(muteTimer);
  if (countdownTimer !== null) window.clearInterval(countdownTimer);
  muteTimer = null;
  countdownTimer = null;
  const wasMuted = mute.value !== null;
  mute.value = null;
  storeMute(null);
  if (wasMuted && current.value) playPattern(current.value);
}

/** Must run inside a user gesture (click, key press) the first time. */
export async function unlockSound(): Promise<boolean> {
  const audio = ensureContext();
  if (!audio) return false;
  if (audio.state !== 'running') {
    try {
      await audio.resume();
    } catch {
      // Still locked: the control stays visible and the next gesture tries again.
    }
  }
  unlocked.value = audio.state === 'running';
  if (unlocked.value && current.value) playPattern(current.value);
  return unlocked.value;
}

export function testSound(): void {
  void unlockSound().then((ok) => {
    if (ok) playPattern('high', true);
  });
}

/**
 * Any click or key press anywhere unlocks audio, so the staff member who logs in and clicks
 * around never has to find the control; the listeners go away once audio runs. A mute this tab
 * set before a reload is taken up again with its end time.
 */
export function installSoundUnlock(): void {
  ensureContext();
  const kept = storedMute();
  if (kept) startMute(kept);
  else storeMute(null);
  const events = ['pointerdown', 'keydown'] as const;
  const handler = (): void => {
    void unlockSound().then((ok) => {
      if (ok) for (const name of events) window.removeEventListener(name, handler, true);
    });
  };
  for (const name of events) window.addEventListener(name, handler, true);
}
