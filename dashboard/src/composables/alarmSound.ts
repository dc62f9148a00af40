/**
 * The alarm tone, made with the Web Audio API so no audio file has to load (or fail to load).
 * Browsers keep audio locked until the user interacts with the page; until then `soundUnlocked`
 * is false and the header shows a control that unlocks it.
 *
 * The pattern follows the most severe unacknowledged alert: critical alerts beep fast and high,
 * low ones rarely and softly, so a battery warning at 3 a.m. is heard without startling anyone.
 */
import { readonly, ref } from 'vue';
import type { Severity } from '../../../devices/contract.ts';

interface Tone {
  frequency: number;
  offset: number;
  duration: number;
}

interface Pattern {
  everyMs: number;
  volume: number;
  tones: Tone[];
}

const patterns: Record<Severity, Pattern> = {
  critical: {
    everyMs: 1500,
    volume: 0.35,
    tones: [
      { frequency: 880, offset: 0, duration: 0.14 },
      { frequency: 880, offset: 0.22, duration: 0.14 },
      { frequency: 1175, offset: 0.44, duration: 0.22 },
    ],
  },
  high: {
    everyMs: 2500,
    volume: 0.3,
    tones: [
      { frequency: 784, offset: 0, duration: 0.2 },
      { frequency: 587, offset: 0.3, duration: 0.25 },
    ],
  },
  medium: { everyMs: 5000, volume: 0.22, tones: [{ frequency: 659, offset: 0, duration: 0.3 }] },
  low: { everyMs: 10000, volume: 0.15, tones: [{ frequency: 523, offset: 0, duration: 0.25 }] },
};

let context: AudioContext | null = null;
let timer: number | null = null;
let current: Severity | null = null;
const unlocked = ref(false);

export const soundUnlocked = readonly(unlocked);

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

function playTone(audio: AudioContext, startAt: number, tone: Tone, volume: number): void {
  const oscillator = audio.createOscillator();
  const gain = audio.createGain();
  oscillator.type = 'triangle';
  oscillator.frequency.value = tone.frequency;
  // A short attack and release avoid the click of a hard start and stop.
  gain.gain.setValueAtTime(0.0001, startAt);
  gain.gain.exponentialRampToValueAtTime(volume, startAt + 0.02);
  gain.gain.setValueAtTime(volume, startAt + tone.duration - 0.03);
  gain.gain.exponentialRampToValueAtTime(0.0001, startAt + tone.duration);
  oscillator.connect(gain).connect(audio.destination);
  oscillator.start(startAt);
  oscillator.stop(startAt + tone.duration + 0.02);
}

function playPattern(severity: Severity): void {
  const audio = ensureContext();
  if (audio?.state !== 'running') return;
  const pattern = patterns[severity];
  const startAt = audio.currentTime + 0.02;
  for (const tone of pattern.tones) playTone(audio, startAt + tone.offset, tone, pattern.volume);
}

function stopTimer(): void {
  if (timer !== null) window.clearInterval(timer);
  timer = null;
}

/** Beep for `severity` until called with null. Safe to call on every change; restarts only on a new level. */
export function setAlarm(severity: Severity | null): void {
  if (severity === current) return;
  current = severity;
  stopTimer();
  if (!severity) return;
  playPattern(severity);
  timer = window.setInterval(() => playPattern(severity), patterns[severity].everyMs);
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
  if (unlocked.value && current) playPattern(current);
  return unlocked.value;
}

export function testSound(): void {
  void unlockSound().then((ok) => {
    if (ok) playPattern('high');
  });
}

/**
 * Any click or key press anywhere unlocks audio, so the staff member who logs in and clicks
 * around never has to find the control; the listeners go away once audio runs.
 */
export function installSoundUnlock(): void {
  ensureContext();
  const events = ['pointerdown', 'keydown'] as const;
  const handler = (): void => {
    void unlockSound().then((ok) => {
      if (ok) for (const name of events) window.removeEventListener(name, handler, true);
    });
  };
  for (const name of events) window.addEventListener(name, handler, true);
}
