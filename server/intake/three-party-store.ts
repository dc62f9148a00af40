/**
 * The three-party meeting (6.1.2.4) and the three-party agreement with its medical-cost term (6.1.2.4,
 * 6.1.2.6) of the intake cases, in SQL: one of each per case, saved again until the agreement is signed.
 * Both are stamped with the clock's instant; ./store.ts reads them into the case.
 */
import type { Queryable } from '../db/database.ts';
import type {
  Agreement,
  Attendee,
  MedicalBearer,
  Meeting,
  RetireeSide,
  Signatory,
} from '../schemas/intake.ts';
import { isoRequired, saveRecord } from '../store/rows.ts';
import { MEDICAL_BEARER_NAMES, medicalTerm } from './rules.ts';

interface MeetingRow {
  held_on: string;
  place: string;
  centre_name: string;
  unit_name: string;
  retiree_side: RetireeSide;
  retiree_side_name: string;
  guardian_relation: string;
  attendees: Attendee[] | string;
  notes: string;
  recorded_at: Date | string;
}

interface AgreementRow {
  centre_name: string;
  unit_name: string;
  retiree_side: RetireeSide;
  retiree_side_name: string;
  placement: string;
  pension_level: string;
  medical_bearer: MedicalBearer;
  medical_until: 'card_issued' | 'date';
  medical_until_date: string | null;
  other_terms: string[] | string;
  signatories: Signatory[] | string;
  signed_on: string | null;
  recorded_at: Date | string;
}

const json = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

export class ThreePartyStore {
  constructor(
    private readonly db: Queryable,
    private readonly clock: () => Date,
  ) {}

  async meeting(caseId: string): Promise<Meeting | null> {
    const [row] = await this.db.query<MeetingRow>(
      `select held_on::text as held_on, place, centre_name, unit_name, retiree_side, retiree_side_name,
              guardian_relation, attendees, notes, recorded_at from intake_meetings where case_id = $1`,
      [caseId],
    );
    return row ? toMeeting(row) : null;
  }

  async agreement(caseId: string): Promise<Agreement | null> {
    const [row] = await this.db.query<AgreementRow>(
      `select centre_name, unit_name, retiree_side, retiree_side_name, placement, pension_level, medical_bearer,
              medical_until, medical_until_date::text as medical_until_date, other_terms, signatories,
              signed_on::text as signed_on, recorded_at from intake_agreements where case_id = $1`,
      [caseId],
    );
    return row ? toAgreement(row) : null;
  }

  async hasMeeting(caseId: string): Promise<boolean> {
    const [meeting] = await this.db.query('select 1 from intake_meetings where case_id = $1', [caseId]);
    return meeting !== undefined;
  }

  async hasSignedAgreement(caseId: string): Promise<boolean> {
    const [signed] = await this.db.query(
      'select 1 from intake_agreements where case_id = $1 and signed_on is not null',
      [caseId],
    );
    return signed !== undefined;
  }

  async saveMeeting(
    caseId: string,
    meeting: {
      heldOn: string;
      place: string;
      centreName: string;
      unitName: string;
      retireeSide: RetireeSide;
      retireeSideName: string;
      guardianRelation: string;
      attendees: Attendee[];
      notes: string;
    },
    userId: string,
  ): Promise<void> {
    await saveRecord(this.db, 'intake_meetings', 'case_id', {
      caseId,
      ...meeting,
      attendees: JSON.stringify(meeting.attendees),
      recordedBy: userId,
      recordedAt: this.clock(),
    });
  }

  /** The day the case's agreement was signed, if it was. */
  async agreementSignedOn(caseId: string): Promise<string | null> {
    const [existing] = await this.db.query<{ signed_on: string | null }>(
      'select signed_on::text as signed_on from intake_agreements where case_id = $1',
      [caseId],
    );
    return existing?.signed_on ?? null;
  }

  async saveAgreement(
    caseId: string,
    agreement: {
      centreName: string;
      unitName: string;
      retireeSide: RetireeSide;
      retireeSideName: string;
      placement: string;
      pensionLevel: string;
      medicalBearer: MedicalBearer;
      medicalUntil: 'card_issued' | 'date';
      medicalUntilDate: string | null;
      otherTerms: string[];
      signatories: Signatory[];
      signedOn: string | null;
    },
    userId: string,
  ): Promise<void> {
    await saveRecord(this.db, 'intake_agreements', 'case_id', {
      caseId,
      ...agreement,
      otherTerms: JSON.stringify(agreement.otherTerms),
      signatories: JSON.stringify(agreement.signatories),
      recordedBy: userId,
      recordedAt: this.clock(),
    });
  }
}

function toMeeting(row: MeetingRow): Meeting {
  return {
    heldOn: row.held_on,
    place: row.place,
    centreName: row.centre_name,
    unitName: row.unit_name,
    retireeSide: row.retiree_side,
    retireeSideName: row.retiree_side_name,
    guardianRelation: row.guardian_relation,
    attendees: json<Attendee[]>(row.attendees),
    notes: row.notes,
    recordedAt: isoRequired(row.recorded_at),
  };
}

function toAgreement(row: AgreementRow): Agreement {
  return {
    centreName: row.centre_name,
    unitName: row.unit_name,
    retireeSide: row.retiree_side,
    retireeSideName: row.retiree_side_name,
    placement: row.placement,
    pensionLevel: row.pension_level,
    medicalBearer: row.medical_bearer,
    medicalBearerName: MEDICAL_BEARER_NAMES[row.medical_bearer],
    medicalUntil: row.medical_until,
    medicalUntilDate: row.medical_until_date,
    medicalTerm: medicalTerm(row.medical_bearer, row.medical_until, row.medical_until_date),
    otherTerms: json<string[]>(row.other_terms),
    signatories: json<Signatory[]>(row.signatories),
    signedOn: row.signed_on,
    recordedAt: isoRequired(row.recorded_at),
  };
}
