import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditVerifyResult } from '../../server/schemas/audit.ts';
import { eventually, startTestHub, type TestHub } from '../helpers/hub.ts';
import { type PostgresServer, startPostgres } from '../helpers/postgres.ts';

const postgres: PostgresServer | null = await startPostgres();
afterAll(async () => postgres?.stop());

describe.skipIf(postgres === null)('two hubs on one PostgreSQL server write one audit chain', () => {
  let first: TestHub;
  let second: TestHub;

  beforeAll(async () => {
    const url = await (postgres as PostgresServer).createDatabase();
    first = await startTestHub({ HUB_DATABASE_URL: url });
    second = await startTestHub({ HUB_DATABASE_URL: url });
  });
  afterAll(async () => {
    await second?.stop();
    await first?.stop();
  });

  it('keeps the chain whole under concurrent requests to both', async () => {
    const retiree = await first.addRetiree({ name: '周国栋' });
    const requests: Promise<unknown>[] = [];
    for (let n = 0; n < 25; n += 1) {
      requests.push(first.api('GET', `/api/retirees/${retiree.id}`));
      requests.push(second.api('GET', `/api/retirees/${retiree.id}/rescue-card`));
      requests.push(second.api('GET', '/api/retirees', undefined, null));
    }
    await Promise.all(requests);
    // 75 requests, the two admin sign-ins and the retiree created: at least 78 entries, one chain.
    const result = await eventually(async () => {
      const answer = await second.api<AuditVerifyResult>('GET', '/api/audit/verify');
      return answer.body.checked >= 78 ? answer.body : undefined;
    }, 15_000);
    expect(result.ok).toBe(true);
    expect(result.firstBad).toBeUndefined();
  });
});
