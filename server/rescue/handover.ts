/**
 * What a hand-over to the 120 emergency service says of the retiree's health (5.1.7): the medical
 * history, then allergies and the medication taken now, from the rescue card. Shared by the desk's
 * hand-over dialog and the mobile link, so both pass on the same words; it imports nothing, so the
 * dashboard may run it (test/architecture/boundaries.test.ts).
 */
export function handoverHistory(card: {
  medicalHistory: string;
  allergies: readonly string[];
  medications: readonly string[];
}): string {
  return [
    card.medicalHistory.trim(),
    card.allergies.length ? `过敏：${card.allergies.join('、')}` : '',
    card.medications.length ? `用药：${card.medications.join('、')}` : '',
  ]
    .filter(Boolean)
    .join('；');
}
