/**
 * Hooks a `describe` block registers for what its cases share. Kept apart from hub.ts, which the
 * long-running scripts (`npm run fuzz`, `npm run chaos`) import outside vitest.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { createLogger, type Hub, startHub } from '../../server/hub.ts';
import type { Retiree } from '../../server/schemas/index.ts';
import { ADMIN_PASSWORD, callHttps, startTestHub, type TestHub } from './hub.ts';
import { selfSigned } from './tls.ts';
import { freePort, makeTempDir, type TempDir } from './tmp.ts';

/**
 * A hub for the cases of the enclosing `describe`: started before its first case (after the hooks
 * registered before this call, before those registered after it), stopped after its last. The
 * object returned stands for that hub once it has started, so the suite's cases, hooks and
 * functions use it as the hub itself; used earlier, it throws. `env` may be a function, for
 * settings known only once the suite runs (a server another hook started).
 */
export function suiteHub(
  env: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>) = {},
  options: { dataDir?: TempDir; logger?: Logger } = {},
): TestHub {
  let started: TestHub | undefined;
  beforeAll(async () => {
    started = await startTestHub(typeof env === 'function' ? await env() : env, options);
  });
  afterAll(() => started?.stop());
  return standIn(() => started, "the suite's hub");
}

/** A hub that speaks TLS (see `suiteTlsHub`). */
export interface TlsTestHub {
  hub: Hub;
  /** Its self-signed certificate, for a client to trust. */
  ca: Buffer;
  /** Its MQTT-over-TLS port. */
  tlsPort: number;
  /** A call to its API over HTTPS, signed in as admin. */
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

/**
 * A hub with HTTPS and MQTT over TLS on a port of its own, for the cases of the enclosing
 * `describe`: a fresh self-signed certificate (`keyType`, ECDSA unless RSA is asked for), a data
 * folder of its own, an admin signed in; started before the first case, stopped and removed after
 * the last. `env` adds settings once the TLS port is known (a plaintext port, production mode).
 */
export function suiteTlsHub(
  folderPrefix: string,
  options: {
    keyType?: 'ec' | 'rsa';
    env?: (tlsPort: number) => Record<string, string> | Promise<Record<string, string>>;
  } = {},
): TlsTestHub {
  let started: TlsTestHub | undefined;
  let folder: TempDir | undefined;
  beforeAll(async () => {
    folder = await makeTempDir(folderPrefix);
    const files = selfSigned(folder.path, options.keyType === 'rsa' ? 'hub-rsa' : 'hub', options.keyType);
    const ca = readFileSync(files.cert);
    const tlsPort = await freePort();
    const hub = await startHub(
      loadConfig({
        HUB_TLS_CERT: files.cert,
        HUB_TLS_KEY: files.key,
        HUB_DATA_DIR: path.join(folder.path, 'data'),
        HUB_HTTP_PORT: '0',
        HUB_HTTP_HOST: '127.0.0.1',
        HUB_MQTT_TLS_PORT: String(tlsPort),
        HUB_MQTT_HOST: '127.0.0.1',
        HUB_ADMIN_PASSWORD: ADMIN_PASSWORD,
        HUB_ADMIN_TOTP_REQUIRED: 'false',
        HUB_LOG_LEVEL: 'silent',
        ...(await options.env?.(tlsPort)),
      }),
      createLogger('silent'),
    );
    let token = '';
    const request = <T>(method: string, url: string, body?: unknown) =>
      callHttps<T>(hub.url, ca, method, url, body, token);
    const login = await request<{ token: string }>('POST', '/api/auth/login', {
      username: 'admin',
      password: ADMIN_PASSWORD,
    });
    if (login.status !== 200) throw new Error(`admin login failed: ${login.status}`);
    token = login.body.token;
    started = { hub, ca, tlsPort, request };
  });
  afterAll(async () => {
    await started?.hub.stop();
    await folder?.remove();
  });
  return standIn(() => started, "the suite's TLS hub");
}

/** A staff account signed in: its id and its session token. */
export interface SignedIn {
  id: string;
  token: string;
}

/** Who a service-records suite works with (see `suiteDesk`). */
export interface Desk {
  a: Retiree;
  b: Retiree;
  caseworker: SignedIn;
  operator: SignedIn;
  /** Made only when asked for. */
  supervisor: SignedIn;
  family: { token: string };
}

/**
 * The people of a service-records suite, made through the API of its hub (`t`, from `suiteHub`
 * called before this) before its first case: retirees `a` and `b` by name, a caseworker, an operator
 * and, if asked, a supervisor, each signed in (usernames `cw.<area>`, `op.<area>`, `sup.<area>`), and
 * the family account `family.<area>` of `a`'s first contact, shown as `familyName`. Each object
 * stands for its person once made.
 */
export function suiteDesk(
  t: TestHub,
  area: string,
  retirees: [string, string],
  familyName: string,
  options: { supervisor?: boolean } = {},
): Desk {
  let made: Partial<Desk> | undefined;
  beforeAll(async () => {
    const a = await t.addRetiree({ name: retirees[0] });
    const b = await t.addRetiree({ name: retirees[1] });
    const caseworker = await t.addStaff(`cw.${area}`, 'caseworker');
    const supervisor = options.supervisor ? await t.addStaff(`sup.${area}`, 'supervisor') : undefined;
    const operator = await t.addStaff(`op.${area}`, 'operator');
    const family = { token: await t.addFamily(a, `family.${area}`, familyName) };
    made = { a, b, caseworker, operator, family, ...(supervisor ? { supervisor } : {}) };
  });
  const person = <K extends keyof Desk>(key: K): Desk[K] =>
    standIn(() => made?.[key] as Desk[K] | undefined, `the desk's ${key}`);
  return {
    a: person('a'),
    b: person('b'),
    caseworker: person('caseworker'),
    operator: person('operator'),
    supervisor: person('supervisor'),
    family: person('family'),
  };
}

/**
 * An object that stands for what `current()` gives once a hook has made it: its properties are
 * read from that value, its methods called on it. Reading one before then throws, naming `what`.
 */
export function standIn<T extends object>(current: () => T | undefined, what: string): T {
  return new Proxy({} as T, {
    get(_target, key) {
      const value = current();
      if (value === undefined) throw new Error(`${what} is not there yet (read of ${String(key)})`);
      const property = Reflect.get(value, key, value);
      return typeof property === 'function' ? property.bind(value) : property;
    },
  });
}
