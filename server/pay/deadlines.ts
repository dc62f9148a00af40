/** The centre's settings for money: the monthly pay day and the days a reimbursement's steps take. */
import { dayDeadline } from '../settings/deadlines.ts';

/** The day of the month by which the month's pay is run (6.3: paid on time). */
export const PAY_DAY = dayDeadline('pay.run_day', 10, {
  title: '每月离退休费发放日（几号）',
  clause: '6.3',
  min: 1,
  max: 28,
});

/** A reimbursement is decided, and once approved paid, within this many days. */
export const CLAIM_DAYS = dayDeadline('pay.claim_days', 15, {
  title: '医疗费报销审核、支付时限（天）',
  clause: '6.5.2.1',
  min: 1,
  max: 90,
});
