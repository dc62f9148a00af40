import { describe, expect, it } from 'vitest';
import { healthRouteOf, idParamIsRetiree } from '../../server/audit/health-routes.ts';

describe('which routes touch a health record', () => {
  it('matches route patterns to the kind of record, most specific first', () => {
    const cases: [string, string | undefined][] = [
      ['/api/retirees', 'retiree'],
      ['/api/retirees/:id', 'retiree'],
      ['/api/retirees/:id/vitals', 'vitals'],
      ['/api/retirees/:id/rescue-card', 'rescue_card'],
      ['/api/retirees/:id/rescue-card.pdf', 'rescue_card'],
      ['/api/retirees/:id/consents', 'consent'],
      ['/api/retirees/:id/contacts/:contactId/channels', 'contact'],
      ['/api/archive/retirees.xlsx', 'archive'],
      ['/api/archive/retirees/:id/attachments/:attachmentId', 'archive'],
      ['/api/medical/records/:id/items', 'medical'],
      ['/api/family/status', 'family_page'],
      ['/api/visits/records/:id/form.pdf', 'visit'],
      ['/api/benefits/export.xlsx', 'benefit'],
      ['/api/alerts/:id', 'alert'],
      // not health records
      ['/api/abroad/stays', undefined],
      ['/api/duty/roster', undefined],
      ['/api/audit', undefined],
      ['/api/benefitsx', undefined],
      ['/api/retireesearch', undefined],
      [undefined as unknown as string, undefined],
    ];
    for (const [route, type] of cases) expect(healthRouteOf(route)?.type, route).toBe(type);
  });

  it("knows when a route's :id is a retiree", () => {
    expect(idParamIsRetiree('/api/retirees/:id/vitals')).toBe(true);
    expect(idParamIsRetiree('/api/archive/retirees/:id')).toBe(true);
    expect(idParamIsRetiree('/api/visits/retirees/:id/flags')).toBe(true);
    expect(idParamIsRetiree('/api/retirees/:id/rescue-card.pdf')).toBe(true);
    // The health record is the retiree's own: its :id is the retiree's.
    expect(idParamIsRetiree('/api/medical/records/:id')).toBe(true);
    expect(idParamIsRetiree('/api/medical/records/:id/items/:itemId')).toBe(true);
    expect(idParamIsRetiree('/api/medical/out-of-town/:id')).toBe(false);
    expect(idParamIsRetiree('/api/care/arrangements/:id')).toBe(false);
  });
});
