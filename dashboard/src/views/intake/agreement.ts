/**
 * The agreement form of an intake case (6.1.2.6): its values from the case (the agreement as saved,
 * else what the meeting and the case already say), and the body that saves them. Pure, so the page
 * keeps the form's values across its tabs and the panel only shows them.
 */
import type { AgreementInput, IntakeCase, Signatory } from './api.ts';

export interface AgreementForm {
  centreName: string;
  unitName: string;
  retireeSide: AgreementInput['retireeSide'];
  retireeSideName: string;
  medicalBearer: AgreementInput['medicalBearer'];
  medicalUntil: AgreementInput['medicalUntil'];
  medicalUntilDate: string;
  /** One term a line. */
  otherTerms: string;
  signatories: Signatory[];
  signedOn: string;
}

export function blankAgreement(): AgreementForm {
  return {
    centreName: '',
    unitName: '',
    retireeSide: 'retiree',
    retireeSideName: '',
    medicalBearer: 'sending_unit',
    medicalUntil: 'card_issued',
    medicalUntilDate: '',
    otherTerms: '',
    signatories: [],
    signedOn: '',
  };
}

export function agreementForm(value: IntakeCase): AgreementForm {
  const a = value.agreement;
  return {
    centreName: a?.centreName ?? value.meeting?.centreName ?? '',
    unitName: a?.unitName ?? value.sendingUnit,
    retireeSide: a?.retireeSide ?? value.meeting?.retireeSide ?? 'retiree',
    retireeSideName: a?.retireeSideName ?? value.meeting?.retireeSideName ?? value.retireeName,
    medicalBearer: a?.medicalBearer ?? 'sending_unit',
    medicalUntil: a?.medicalUntil ?? 'card_issued',
    medicalUntilDate: a?.medicalUntilDate ?? '',
    otherTerms: (a?.otherTerms ?? []).join('\n'),
    signatories: a?.signatories.map((s) => ({ ...s, title: s.title ?? '' })) ?? [
      { party: 'centre', name: '', title: '' },
      { party: 'unit', name: '', title: '' },
      { party: 'retiree', name: value.retireeName, title: '' },
    ],
    signedOn: a?.signedOn ?? '',
  };
}

export function agreementBody(agreement: AgreementForm): AgreementInput {
  return {
    centreName: agreement.centreName,
    unitName: agreement.unitName,
    retireeSide: agreement.retireeSide,
    retireeSideName: agreement.retireeSideName,
    medicalBearer: agreement.medicalBearer,
    medicalUntil: agreement.medicalUntil,
    medicalUntilDate: agreement.medicalUntil === 'date' ? agreement.medicalUntilDate || null : null,
    otherTerms: agreement.otherTerms
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean),
    signatories: agreement.signatories
      .filter((s) => s.name.trim())
      .map((s) => ({ party: s.party, name: s.name, ...(s.title?.trim() ? { title: s.title } : {}) })),
    signedOn: agreement.signedOn || null,
  };
}
