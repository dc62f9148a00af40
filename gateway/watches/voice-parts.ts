/**
 * Voice notes that watches send in several frames (IW `AP07`, 3G `JXTK`), put together per device
 * and per note. A device's notes outlive its connection: a watch that links again mid-note goes on
 * with the next part. Everything is bounded: the parts and bytes of a note, the notes a device has
 * in progress, and the time a note may wait for its next part; past that an incomplete note is
 * dropped (and counted by the gateway), never kept in part.
 *
 * A part already held is ignored (the watch repeats a part whose answer it missed); parts out of
 * order are placed by their number. A whole note stays here for the same wait after it is
 * complete, so that a repeat of one of its parts (the answer to the last went missing, or storing
 * it failed) hands the whole note on again: storing it is idempotent, answering it again is what
 * the watch waits for.
 */
import type { VoicePart, WatchProtocolName } from '../../devices/watches/index.ts';

export interface VoiceNoteLimits {
  /** Parts one note may have. */
  maxParts: number;
  /** Bytes of audio one note may hold. */
  maxBytes: number;
  /** Notes one device may have in progress (whole ones not yet forgotten included). */
  maxNotesPerDevice: number;
  /** An incomplete note whose next part does not come within this is dropped. */
  timeoutMs: number;
}

/** Why a part was refused, as counted in `hub_watch_refused_total`. */
export type VoicePartRefusal = 'voice_oversize' | 'voice_busy' | 'voice_inconsistent';

export type VoicePartOutcome =
  /** Held; the note still lacks parts. */
  | { kind: 'pending' }
  /** The whole note, first part first; `ts` is when its first part arrived. */
  | { kind: 'complete'; audio: Buffer; ts: number }
  | { kind: 'refused'; reason: VoicePartRefusal; detail: string };

interface Note {
  protocol: WatchProtocolName;
  parts: number;
  /** The parts held, by number; emptied once the note is whole or refused. */
  held: Map<number, Buffer>;
  bytes: number;
  firstAt: number;
  whole?: Buffer;
  /** A note refused as a whole (too long): its later parts are refused too, without being held. */
  refused?: { reason: VoicePartRefusal; detail: string };
  timer: NodeJS.Timeout | undefined;
}

export class VoiceNoteAssembler {
  /** Notes by device, then by the note's name. */
  private readonly devices = new Map<string, Map<string, Note>>();

  constructor(
    private readonly limits: VoiceNoteLimits,
    /** An incomplete note was dropped for want of its next part. */
    private readonly timedOut: (protocol: WatchProtocolName, deviceId: string, note: string) => void,
  ) {}

  /** Notes held now, over all devices (whole ones not yet forgotten included). */
  get size(): number {
    let count = 0;
    for (const notes of this.devices.values()) count += notes.size;
    return count;
  }

  add(protocol: WatchProtocolName, deviceId: string, part: VoicePart, now: number): VoicePartOutcome {
    let notes = this.devices.get(deviceId);
    let note = notes?.get(part.note);
    if (!note) {
      if (!notes) {
        notes = new Map();
        this.devices.set(deviceId, notes);
      }
      if (!this.makeRoom(deviceId, notes)) {
        return refused(
          'voice_busy',
          `${notes.size} notes of the device are in progress, at most ${this.limits.maxNotesPerDevice}`,
        );
      }
      note = { protocol, parts: part.parts, held: new Map(), bytes: 0, firstAt: now, timer: undefined };
      notes.set(part.note, note);
      if (part.parts > this.limits.maxParts) {
        note.refused = {
          reason: 'voice_oversize',
          detail: `a note of ${part.parts} parts, at most ${this.limits.maxParts}`,
        };
      }
    }
    this.wait(deviceId, part.note, note);
    if (note.refused) return { kind: 'refused', ...note.refused };
    if (part.parts !== note.parts) {
      return refused(
        'voice_inconsistent',
        `part ${part.part} says the note has ${part.parts} parts, its first said ${note.parts}`,
      );
    }
    if (note.whole) return { kind: 'complete', audio: note.whole, ts: note.firstAt };
    if (note.held.has(part.part)) return { kind: 'pending' };
    if (note.bytes + part.audio.length > this.limits.maxBytes) {
      note.held.clear();
      note.refused = {
        reason: 'voice_oversize',
        detail: `the note's audio passes ${this.limits.maxBytes} bytes at part ${part.part}`,
      };
      return { kind: 'refused', ...note.refused };
    }
    note.held.set(part.part, part.audio);
    note.bytes += part.audio.length;
    if (note.held.size < note.parts) return { kind: 'pending' };
    const ordered: Buffer[] = [];
    for (let number = 1; number <= note.parts; number++) ordered.push(note.held.get(number)!);
    note.whole = Buffer.concat(ordered);
    note.held.clear();
    return { kind: 'complete', audio: note.whole, ts: note.firstAt };
  }

  /** Forgets every note and its timer (the gateway stops). */
  clear(): void {
    for (const notes of this.devices.values()) for (const note of notes.values()) clearTimeout(note.timer);
    this.devices.clear();
  }

  /**
   * Room for one more note of the device: a whole or refused note, oldest first, gives way; a note
   * still collecting parts never does. False when every place holds one.
   */
  private makeRoom(deviceId: string, notes: Map<string, Note>): boolean {
    if (notes.size < this.limits.maxNotesPerDevice) return true;
    for (const [name, note] of notes) {
      if (note.whole || note.refused) {
        this.forget(deviceId, name, note);
        return true;
      }
    }
    return false;
  }

  /** (Re)starts the wait for the note's next part. */
  private wait(deviceId: string, name: string, note: Note): void {
    clearTimeout(note.timer);
    note.timer = setTimeout(() => {
      this.forget(deviceId, name, note);
      if (!note.whole && !note.refused) this.timedOut(note.protocol, deviceId, name);
    }, this.limits.timeoutMs);
    // A note in progress holds no process open: the hub stops when asked.
    note.timer.unref();
  }

  private forget(deviceId: string, name: string, note: Note): void {
    clearTimeout(note.timer);
    const notes = this.devices.get(deviceId);
    if (notes?.get(name) !== note) return;
    notes.delete(name);
    if (notes.size === 0) this.devices.delete(deviceId);
  }
}

function refused(reason: VoicePartRefusal, detail: string): VoicePartOutcome {
  return { kind: 'refused', reason, detail };
}
