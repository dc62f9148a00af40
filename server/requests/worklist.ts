/**
 * The service side of the work list (6.12) and the devices' monthly test press:
 * - `service_request`: a press of the 求助 key nobody has taken yet, on the list of everyone who
 *   handles requests, due the day it was made; once assigned, on its handler's list, due
 *   `DONE_WITHIN` after the assignment, until done or cancelled;
 * - `button_test`: a device with a test key (pendant, watch, smoke or gas detector) whose last
 *   test press is `TEST_INTERVAL` old (never tested: due from the day it was registered), the
 *   station's work of those who handle requests.
 */
import { addDays, centreDay } from '../calendar.ts';
import type { WorkItem } from '../schemas/worklist.ts';
import { dayDeadline } from '../settings/deadlines.ts';
import { doesWork, dueItem, PartsProvider, type WorkListScope } from '../worklist/provider.ts';
import { TEST_INTERVAL, testableTypes } from './store.ts';

/** An assigned request is due done this many days after its assignment. */
export const DONE_WITHIN = dayDeadline('requests.done_days', 3, {
  title: '求助服务派单后办结时限（天）',
  clause: '6.12',
});

interface RequestRow {
  id: string;
  retiree_id: string | null;
  retiree_name: string | null;
  status: 'requested' | 'assigned';
  kind: string;
  requested_at: Date;
  assigned_at: Date | null;
}

interface ButtonRow {
  id: string;
  retiree_id: string | null;
  retiree_name: string | null;
  created_at: Date;
  last_test_at: Date | null;
}

export class RequestWorkProvider extends PartsProvider {
  readonly source = 'requests';

  protected parts(scope: WorkListScope): Promise<WorkItem[]>[] {
    const handles = doesWork(scope, 'requests.handle');
    return [this.requests(scope, handles), handles ? this.buttons(scope) : Promise.resolve([])];
  }

  private async requests(scope: WorkListScope, unassigned: boolean): Promise<WorkItem[]> {
    const doneDays = await this.deadlines.days(DONE_WITHIN);
    const rows = await this.db.query<RequestRow>(
      `select q.id, q.retiree_id, r.name as retiree_name, q.status, q.kind, q.requested_at, q.assigned_at
         from service_requests q left join retirees r on r.id = q.retiree_id
        where (q.status = 'assigned' and ($1::uuid is null or q.handler_id = $1::uuid))
           or (q.status = 'requested' and $2::boolean)`,
      [scope.ownerId, unassigned],
    );
    return rows.flatMap((row) => {
      const requestedOn = centreDay(row.requested_at);
      if (requestedOn > scope.date) return [];
      const assigned = row.status === 'assigned' && row.assigned_at !== null;
      const dueDate = assigned ? addDays(centreDay(row.assigned_at as Date), doneDays) : requestedOn;
      const what = row.kind ? `：${row.kind}` : '';
      return [
        dueItem(scope, {
          source: 'service_request',
          id: row.id,
          title: assigned ? `求助服务办理${what}` : `求助待派单：${requestedOn} 按下求助键${what}`,
          retireeId: row.retiree_id,
          retireeName: row.retiree_name,
          dueDate,
        }),
      ];
    });
  }

  private async buttons(scope: WorkListScope): Promise<WorkItem[]> {
    const interval = await this.deadlines.days(TEST_INTERVAL);
    const rows = await this.db.query<ButtonRow>(
      `select d.id, d.retiree_id, r.name as retiree_name, d.created_at, t.last_test_at
         from devices d left join button_tests t on t.device_id = d.id left join retirees r on r.id = d.retiree_id
        where d.type = any($1::text[])`,
      [testableTypes],
    );
    return rows.flatMap((row) => {
      const registeredOn = centreDay(row.created_at);
      if (registeredOn > scope.date) return [];
      const lastOn = row.last_test_at ? centreDay(row.last_test_at) : null;
      const dueDate = lastOn ? addDays(lastOn, interval) : registeredOn;
      if (dueDate > scope.date) return [];
      return [
        dueItem(scope, {
          source: 'button_test',
          id: row.id,
          title: `按键测试：设备 ${row.id}，${lastOn ? `上次测试 ${lastOn}` : '从未测试'}`,
          retireeId: row.retiree_id,
          retireeName: row.retiree_name,
          dueDate,
        }),
      ];
    });
  }
}
