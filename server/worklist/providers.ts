/** Every source of the work list. Each module adds its provider here, one line each. */

import { EventAttendanceProvider, EventCoverProvider } from '../activities/worklist.ts';
import { BenefitReviewProvider, BereavementStepProvider } from '../bereavement/worklist.ts';
import type { Queryable } from '../db/database.ts';
import { ReceptionEvaluationProvider } from '../evaluation/worklist.ts';
import { IntakeStepProvider } from '../intake/worklist.ts';
import { FollowUpProvider, VisitTaskProvider } from '../visits/worklist.ts';
import type { WorkListProvider } from './provider.ts';

export function workListProviders(db: Queryable): WorkListProvider[] {
  return [
    new VisitTaskProvider(db),
    new FollowUpProvider(db),
    new ReceptionEvaluationProvider(db),
    new BereavementStepProvider(db),
    new BenefitReviewProvider(db),
    new EventCoverProvider(db),
    new EventAttendanceProvider(db),
    new IntakeStepProvider(db),
  ];
}
