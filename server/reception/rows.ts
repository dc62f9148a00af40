/** The rows of the reception tables as the service reads them, and a reception item as the API shows it. */
import type {
  AttendanceStatus,
  PoliticalKind,
  ReceptionChannel,
  ReceptionItem,
  ReceptionStatus,
} from '../schemas/reception.ts';
import { isoRequired } from '../store/rows.ts';

export interface ActivityRow {
  id: string;
  kind: PoliticalKind;
  held_on: string;
  topic: string;
  place: string;
  notes: string;
  created_at: Date | string;
}

export interface AttendanceRow {
  activity_id: string;
  retiree_id: string;
  retiree_name: string;
  party_branch: string | null;
  status: AttendanceStatus;
  note: string;
}

export interface BatchRow {
  id: string;
  name: string;
  level: string;
  place: string;
  starts_on: string;
  ends_on: string;
  notes: string;
  created_at: Date | string;
}

export interface ReceptionRow {
  id: string;
  channel: ReceptionChannel;
  received_on: string;
  from_name: string;
  from_contact: string;
  retiree_id: string | null;
  retiree_name: string | null;
  content: string;
  reply_days: number;
  reply_due_on: string;
  handler_id: string;
  handler_name: string;
  status: ReceptionStatus;
  reply: string | null;
  replied_on: string | null;
  replied_by: string | null;
  created_at: Date | string;
}

export const selectReception = `select i.id, i.channel, i.received_on::text as received_on, i.from_name, i.from_contact,
    i.retiree_id, r.name as retiree_name, i.content, i.reply_days, i.reply_due_on::text as reply_due_on,
    i.handler_id, u.display_name as handler_name, i.status, i.reply, i.replied_on::text as replied_on,
    i.replied_by, i.created_at
  from reception_items i left join retirees r on r.id = i.retiree_id join users u on u.id = i.handler_id`;

/** A reception item; overdue when not replied by its due date, on the centre's day `today`. */
export function toReception(row: ReceptionRow, today: string): ReceptionItem {
  return {
    id: row.id,
    channel: row.channel,
    receivedOn: row.received_on,
    fromName: row.from_name,
    fromContact: row.from_contact,
    retireeId: row.retiree_id,
    retireeName: row.retiree_name,
    content: row.content,
    replyDays: Number(row.reply_days),
    replyDueOn: row.reply_due_on,
    handlerId: row.handler_id,
    handlerName: row.handler_name,
    status: row.status,
    reply: row.reply,
    repliedOn: row.replied_on,
    repliedBy: row.replied_by,
    overdue: row.status !== 'replied' && row.reply_due_on < today,
    createdAt: isoRequired(row.created_at),
  };
}
