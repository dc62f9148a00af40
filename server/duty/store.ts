/** The 24-hour duty roster and shift hand-over notes (5.1.7). */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import type { DutyShift, HandoverNote } from '../schemas/duty.ts';
import { isoRequired } from '../store/rows.ts';

interface ShiftRow {
  id: string;
  user_id: string;
  display_name: string;
  role: string;
  starts_at: Date;
  ends_at: Date;
}

const toShift = (row: ShiftRow): DutyShift => ({
  id: row.id,
  userId: row.user_id,
  displayName: row.display_name,
  role: row.role,
  startsAt: isoRequired(row.starts_at),
  endsAt: isoRequired(row.ends_at),
});

interface NoteRow {
  id: string;
  author: string;
  written_at: Date;
  text: string;
  carried_alert_ids: string[];
}

const toNote = (row: NoteRow): HandoverNote => ({
  id: row.id,
  author: row.author,
  writtenAt: isoRequired(row.written_at),
  text: row.text,
  carriedAlertIds: row.carried_alert_ids ?? [],
});

const selectShift = `select s.*, u.display_name from duty_shifts s join users u on u.id = s.user_id`;

export class DutyStore {
  constructor(private readonly db: Queryable) {}

  async addShift(input: { userId: string; role: string; startsAt: Date; endsAt: Date }): Promise<DutyShift> {
    const id = randomUUID();
    await this.db.query(
      'insert into duty_shifts (id, user_id, role, starts_at, ends_at) values ($1, $2, $3, $4, $5)',
      [id, input.userId, input.role, input.startsAt, input.endsAt],
    );
    const [row] = await this.db.query<ShiftRow>(`${selectShift} where s.id = $1`, [id]);
    if (!row) throw new Error('shift vanished after insert');
    return toShift(row);
  }

  async removeShift(id: string): Promise<boolean> {
    return (await this.db.query('delete from duty_shifts where id = $1 returning id', [id])).length === 1;
  }

  /** Shifts overlapping [from, to). */
  async shifts(from: Date, to: Date): Promise<DutyShift[]> {
    const rows = await this.db.query<ShiftRow>(
      `${selectShift} where s.starts_at < $2 and s.ends_at > $1 order by s.starts_at, u.display_name`,
      [from, to],
    );
    return rows.map(toShift);
  }

  async addNote(authorId: string, text: string, carriedAlertIds: string[], at: Date): Promise<HandoverNote> {
    const id = randomUUID();
    await this.db.query(
      'insert into handover_notes (id, author_id, written_at, text, carried_alert_ids) values ($1, $2, $3, $4, $5::uuid[])',
      [id, authorId, at, text, carriedAlertIds],
    );
    return (await this.notes(1))[0] as HandoverNote;
  }

  async notes(limit: number): Promise<HandoverNote[]> {
    const rows = await this.db.query<NoteRow>(
      `select n.id, u.display_name as author, n.written_at, n.text, n.carried_alert_ids::text[] as carried_alert_ids
         from handover_notes n join users u on u.id = n.author_id order by n.written_at desc limit $1`,
      [limit],
    );
    return rows.map(toNote);
  }
}
