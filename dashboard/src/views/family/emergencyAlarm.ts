/**
 * The family page's alarm: when an emergency opens or climbs while the page is open, the phone
 * vibrates and sounds (the dashboard's Web Audio tone, composables/alarmSound.ts), once the family
 * member has switched it on. Browsers allow sound and vibration only after a tap on the page, so
 * the switch is that tap; the choice is kept in this browser (localStorage) and any later tap on
 * the page lets the sound play again after a reload. A device notice never sounds.
 */
import { ref } from 'vue';
import { type Severity, severityRank } from '../../../../devices/alerts.ts';
import type { FamilyAlert } from '../../../../server/schemas/index.ts';
import { soundUnlocked, testSound, unlockSound } from '../../composables/alarmSound.ts';

const storageKey = 'junxiu.family.alarm';

/** Long enough to be felt in a pocket, short enough to stop by itself. */
const VIBRATION_MS = [400, 200, 400, 200, 800];
/** The tone three times over about four seconds, as loud as the staff's urgent one. */
const SOUND_REPEATS = 3;
const SOUND_EVERY_MS = 1400;

function stored(): boolean {
  try {
    return localStorage.getItem(storageKey) === 'on';
  } catch {
    return false;
  }
}

/** Whether the family member switched the alarm on in this browser. */
export const alarmEnabled = ref(stored());
/** False until a tap let the page play sound (after a reload, too). */
export const alarmSoundReady = soundUnlocked;

let timers: number[] = [];

/** The switch: must be called from the tap itself, which is what lets the browser play sound. */
export function setAlarmEnabled(on: boolean): void {
  alarmEnabled.value = on;
  try {
    if (on) localStorage.setItem(storageKey, 'on');
    else localStorage.removeItem(storageKey);
  } catch {
    // Storage refused (private mode): the switch holds for this page.
  }
  // One tone now, from the tap: the browser allows sound from here on, and the member hears it.
  if (on) testSound();
  else stopAlarm();
}

/** Any tap on the page after a reload lets a remembered alarm sound again. */
export function resumeOnTap(): () => void {
  const handler = (): void => {
    if (alarmEnabled.value) void unlockSound();
  };
  window.addEventListener('pointerdown', handler, true);
  return () => window.removeEventListener('pointerdown', handler, true);
}

/** Vibrates and sounds, if switched on. */
export function soundAlarm(): void {
  if (!alarmEnabled.value) return;
  stopAlarm();
  // Where the phone cannot vibrate (an iPhone's browser), `vibrate` is missing: the sound remains.
  if (typeof navigator.vibrate === 'function') navigator.vibrate(VIBRATION_MS);
  for (let repeat = 0; repeat < SOUND_REPEATS; repeat += 1) {
    timers.push(window.setTimeout(testSound, repeat * SOUND_EVERY_MS));
  }
}

/** Ends the tones still to come (a vibration ends by itself within two seconds). */
export function stopAlarm(): void {
  for (const timer of timers) window.clearTimeout(timer);
  timers = [];
}

/** What of an alert decides whether it got worse: its tone, severity and escalation. */
export interface AlarmMark {
  tone: FamilyAlert['tone'];
  severity: Severity;
  escalationLevel: number;
}

export function markOf(alerts: readonly FamilyAlert[]): Map<string, AlarmMark> {
  return new Map(
    alerts.map((alert) => [
      alert.id,
      { tone: alert.tone, severity: alert.severity, escalationLevel: alert.escalationLevel },
    ]),
  );
}

/**
 * Whether an active emergency is new since `before`, or got worse: a notice that became an
 * emergency, a higher severity, another step of the escalation ladder while nobody answered.
 */
export function emergencyRaised(
  before: ReadonlyMap<string, AlarmMark>,
  active: readonly FamilyAlert[],
): boolean {
  return active.some((alert) => {
    if (alert.tone !== 'emergency') return false;
    const was = before.get(alert.id);
    if (!was) return true;
    return (
      was.tone !== 'emergency' ||
      severityRank[alert.severity] < severityRank[was.severity] ||
      alert.escalationLevel > was.escalationLevel
    );
  });
}
