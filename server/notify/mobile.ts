/**
 * The page a staff member's message links to: one alert, on a phone, without signing in (the link
 * is the key, ./links.ts). Who and where (the rescue card, 6.5.2.6, and the latest fix of the
 * watch), what has been done, and a button for each thing that can be done from there: acknowledge,
 * take it, "I'm on my way" (the device hears that help is coming), hand it to 120 with the rescue
 * card's facts. Each action is recorded under the staff member the link was sent to and can be
 * taken once per link; a link opens nothing once its alert is resolved or cancelled, or once its
 * staff member's account is disabled. Served as plain HTML with forms, so it works on any phone
 * browser, with its style sheet from the hub (the page's CSP allows no inline style block).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from '@sinclair/typebox';
import { allowedIn, severityNames } from '../../devices/alerts.ts';
import type { AreaOptions } from '../context.ts';
import { HubError } from '../errors.ts';
import { kindName } from '../family/store.ts';
import { escapeHtml, PHONE_STYLE, phonePage, privatePage } from '../http/phone-page.ts';
import { amapLink } from '../location/geo.ts';
import { LocationStore } from '../location/store.ts';
import { currentRescueCard } from '../rescue/card.ts';
import { handoverHistory } from '../rescue/handover.ts';
import type { Alert, AlertStep } from '../schemas/alerts.ts';
import type { User } from '../schemas/index.ts';
import { type AlertLink, LINK_ACTIONS, type LinkAction } from './links.ts';
import { shanghaiTime } from './message.ts';

const ActionParams = Type.Object({
  token: Type.String({ maxLength: 80 }),
  action: Type.Union(LINK_ACTIONS.map((action) => Type.Literal(action))),
});
const TokenParams = Type.Object({ token: Type.String({ maxLength: 80 }) });
const DoneQuery = Type.Object({ done: Type.Optional(Type.String({ maxLength: 32 })) });

const ACTION_WORDS: Record<LinkAction, { button: string; done: string }> = {
  acknowledge: { button: '接警', done: '已接警，设备已收到“已收到，正在处理”' },
  take: { button: '由我负责', done: '此告警由您负责' },
  on_my_way: { button: '我正在赶去', done: '已告诉老人：工作人员正在赶来' },
  handed_to_120: { button: '已移交 120', done: '已记录移交 120，交接内容取自应急救助卡' },
};

const STATUS_WORDS: Record<Alert['status'], string> = {
  open: '待接警',
  acknowledged: '已接警',
  in_progress: '处理中',
  resolved: '已处理',
  cancelled: '已取消',
};

const STEP_WORDS: Record<string, string> = {
  opened: '告警',
  escalated: '升级通知',
  acknowledged: '接警',
  assigned: '指派',
  help_coming: '告知正在赶来',
  handed_to_120: '移交 120',
  called_family: '联系家属',
  visited: '上门',
  comment: '备注',
  returned: '已回到安全区域',
};

/** Which actions the alert's status allows now, for this staff member. */
function possible(alert: Alert, action: LinkAction, userId: string): boolean {
  switch (action) {
    case 'acknowledge':
      return allowedIn('acknowledge').includes(alert.status);
    case 'take':
      // Already theirs (acknowledging gives it to whoever acknowledges): nothing to take.
      return alert.status !== 'resolved' && alert.status !== 'cancelled' && alert.assignedToId !== userId;
    case 'on_my_way':
      return allowedIn('help_coming').includes(alert.status);
    case 'handed_to_120':
      return allowedIn('action').includes(alert.status);
  }
}

const html = escapeHtml;
const page = (title: string, body: string) => phonePage(title, body, '/m/page.css');
const STYLE = `${PHONE_STYLE}
.sev-critical,.sev-high{color:#c9302c}`;

interface Opened {
  link: AlertLink;
  alert: Alert;
  user: User;
}

export const mobileRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app, { hub }) => {
  const links = app.notifications.links;
  const locations = new LocationStore(hub.db);
  // The page's buttons are plain forms; what they post is the action in the address, no body.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 1024 },
    (_request, _body, done) => done(null, {}),
  );

  /** The link's alert and staff member, or an HubError naming why the page shows nothing. */
  async function open(token: string): Promise<Opened> {
    const link = links ? await links.find(token) : null;
    if (!link) throw new HubError(404, 'not_found', '链接无效');
    const alert = await app.alerts.byId(link.alertId);
    if (!alert) throw new HubError(404, 'not_found', '链接无效');
    if (alert.status === 'resolved' || alert.status === 'cancelled') {
      throw new HubError(410, 'gone', `此告警已${STATUS_WORDS[alert.status]}，链接已失效`);
    }
    const user = await app.users.byId(link.userId);
    if (!user || user.disabled) throw new HubError(403, 'forbidden', '此链接的账号已停用');
    return { link, alert, user };
  }

  async function render(opened: Opened, token: string, done: string | undefined): Promise<string> {
    const { alert, link, user } = opened;
    const retiree = alert.retireeId ? await app.retirees.byId(alert.retireeId) : null;
    const card = retiree ? await currentRescueCard(hub.db, retiree, hub.centre) : null;
    const place = alert.retireeId ? await locations.latest(alert.retireeId) : null;
    const steps: AlertStep[] = await app.workflow.steps(alert.id);
    const parts: string[] = [];
    const title = `${alert.retireeName ?? `设备 ${alert.deviceId}`}：${kindName(alert.kind)}`;
    parts.push(`<h1 class="sev-${alert.severity}">${html(title)}</h1>`);
    if (done && (LINK_ACTIONS as readonly string[]).includes(done)) {
      parts.push(
        `<section class="done" role="status">${html(ACTION_WORDS[done as LinkAction].done)}</section>`,
      );
    }
    parts.push(
      `<section><dl>
<dt>级别</dt><dd class="sev-${alert.severity}">${html(severityNames[alert.severity])}</dd>
<dt>发生</dt><dd>${html(shanghaiTime(alert.openedAt))}</dd>
<dt>状态</dt><dd id="status">${html(STATUS_WORDS[alert.status])}</dd>
<dt>设备</dt><dd>${html(alert.deviceId)}</dd>
<dt>您</dt><dd>${html(user.displayName)}</dd>
</dl></section>`,
    );
    const buttons = LINK_ACTIONS.filter(
      (action) => !link.used.includes(action) && possible(alert, action, user.id),
    );
    if (buttons.length > 0) {
      parts.push(
        `<section>${buttons
          .map(
            (action, index) =>
              `<form method="post" action="/m/${html(encodeURIComponent(token))}/${action}"><button${index === 0 ? '' : ' class="secondary"'} type="submit">${html(ACTION_WORDS[action].button)}</button></form>`,
          )
          .join('')}</section>`,
      );
    }
    if (card) {
      const contacts = card.contacts
        .map(
          (contact) =>
            `<dt>${html(contact.relation || '联系人')}</dt><dd>${html(contact.name)} <a href="tel:${html(contact.phone)}">${html(contact.phone)}</a></dd>`,
        )
        .join('');
      parts.push(`<section><h2>应急救助卡</h2><dl>
<dt>姓名</dt><dd>${html(card.name)}（${card.gender === 'male' ? '男' : '女'}，${card.age} 岁）</dd>
<dt>住址</dt><dd>${html(card.address)}</dd>
<dt>电话</dt><dd><a href="tel:${html(card.phone)}">${html(card.phone)}</a></dd>
<dt>血型</dt><dd>${html(card.bloodType)}</dd>
<dt>病史</dt><dd>${html(card.medicalHistory)}</dd>
${card.allergies.length ? `<dt>过敏</dt><dd>${html(card.allergies.join('、'))}</dd>` : ''}
${card.medications.length ? `<dt>目前用药</dt><dd>${html(card.medications.join('、'))}</dd>` : ''}
${contacts}
</dl></section>`);
    }
    if (place) {
      parts.push(`<section><h2>最近位置</h2><p>${html(shanghaiTime(place.fixedAt))}，${place.valid ? '有效定位' : '无效定位'}（${html(place.source)}）
<a href="${html(amapLink(place))}" rel="noreferrer">在高德地图打开</a>（已换算为 GCJ-02）</p></section>`);
    }
    const history = steps
      .slice(-12)
      .map((step) => {
        const who = step.actor ? ` · ${html(step.actor)}` : '';
        return `<li>${html(shanghaiTime(step.at).slice(11))} ${html(STEP_WORDS[step.action] ?? step.action)}${who}</li>`;
      })
      .join('');
    parts.push(`<section><h2>处理经过</h2><ol>${history}</ol></section>`);
    return page(title, parts.join('\n'));
  }

  async function perform(opened: Opened, action: LinkAction): Promise<void> {
    const { alert, user } = opened;
    switch (action) {
      case 'acknowledge':
        await app.workflow.acknowledge(alert.id, user);
        return;
      case 'take':
        await app.workflow.take(alert.id, user);
        return;
      case 'on_my_way':
        await app.workflow.helpComing(alert.id, user);
        return;
      case 'handed_to_120': {
        const retiree = alert.retireeId ? await app.retirees.byId(alert.retireeId) : null;
        const card = retiree ? await currentRescueCard(hub.db, retiree, hub.centre) : null;
        await app.workflow.act(alert.id, user, {
          action: 'handed_to_120',
          note: '由手机链接记录',
          handover: {
            address: retiree?.address || '（档案中无住址）',
            condition: `${kindName(alert.kind)}（${severityNames[alert.severity]}级）`,
            history: card ? handoverHistory(card) : '',
          },
        });
        return;
      }
    }
  }

  /** Errors become a small page of their own, in words for a phone. */
  function refusal(
    reply: { code: (n: number) => { type: (t: string) => { send: (b: string) => unknown } } },
    error: unknown,
  ) {
    const status = error instanceof HubError ? error.statusCode : 500;
    const words = error instanceof HubError ? error.message : '出错了，请稍后再试或致电值班室';
    return reply
      .code(status)
      .type('text/html; charset=utf-8')
      .send(page('告警', `<section class="fail" role="alert">${html(words)}</section>`));
  }

  app.get('/m/page.css', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(STYLE),
  );

  app.get(
    '/m/:token',
    { config: { access: 'public' }, schema: { hide: true, params: TokenParams, querystring: DoneQuery } },
    async (request, reply) => {
      privatePage(reply);
      try {
        const opened = await open(request.params.token);
        return reply
          .type('text/html; charset=utf-8')
          .send(await render(opened, request.params.token, request.query.done));
      } catch (error) {
        return refusal(reply, error);
      }
    },
  );

  app.post(
    '/m/:token/:action',
    { config: { access: 'public' }, schema: { hide: true, params: ActionParams } },
    async (request, reply) => {
      privatePage(reply);
      const { token, action } = request.params as Static<typeof ActionParams>;
      let opened: Opened;
      try {
        opened = await open(token);
        if (!links || !(await links.use(opened.link.id, action, new Date()))) {
          throw new HubError(409, 'conflict', '此操作已经做过了');
        }
      } catch (error) {
        return refusal(reply, error);
      }
      try {
        await perform(opened, action);
      } catch (error) {
        await links.unuse(opened.link.id, action);
        request.log.warn({ err: error, alertId: opened.alert.id, action }, 'action from a link refused');
        return refusal(reply, error);
      }
      return reply.redirect(`/m/${encodeURIComponent(token)}?done=${action}`, 303);
    },
  );
};
