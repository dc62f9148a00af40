/** Sign-in counters for /metrics: failures, and answers the throttle delayed or refused. */
import { Counter, type Registry } from 'prom-client';
import type { LoginMetrics } from './sessions.ts';

export function loginMetrics(registry: Registry): LoginMetrics {
  const failures = new Counter({
    name: 'hub_login_failures_total',
    help: 'Sign-ins refused for a wrong username, password or TOTP code',
    registers: [registry],
  });
  const refusals = new Counter({
    name: 'hub_login_refusals_total',
    help: 'Sign-ins refused by the throttle (429), by reason: ip (this address cools down) or account',
    labelNames: ['reason'],
    registers: [registry],
  });
  const delays = new Counter({
    name: 'hub_login_delays_total',
    help: 'Sign-in answers delayed because the account had many recent failures',
    registers: [registry],
  });
  return {
    failed: () => failures.inc(),
    refused: (reason) => refusals.inc({ reason }),
    delayed: () => delays.inc(),
  };
}
