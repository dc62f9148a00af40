/**
 * The kinds of value a setting takes, and the one way a setting is read: an environment variable,
 * unset or blank meaning "not given", checked by its kind, or refused with a ConfigError that names
 * the variable (the start stops with that message). Every setting of the hub is declared with these
 * in ./schema.ts.
 */
import path from 'node:path';
import { type Network, parseNetworks } from '../notify/addresses.ts';

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

/** How the text of a variable becomes its value; throws ConfigError when it cannot. */
export interface Kind<T> {
  parse(raw: string, variable: string): T;
}

/** A whole number within bounds. */
export function wholeNumber(min: number, max: number): Kind<number> {
  return {
    parse(raw, variable) {
      const trimmed = raw.trim();
      if (!/^-?\d+$/.test(trimmed)) throw new ConfigError(variable, `expected a whole number, got "${raw}"`);
      const value = Number(trimmed);
      if (value < min || value > max) throw new ConfigError(variable, `expected ${min}–${max}, got ${value}`);
      return value;
    },
  };
}

/** `true` or `false` (also `1`/`0`, `yes`/`no`). */
export const flag: Kind<boolean> = {
  parse(raw, variable) {
    const value = raw.trim().toLowerCase();
    if (['true', '1', 'yes'].includes(value)) return true;
    if (['false', '0', 'no'].includes(value)) return false;
    throw new ConfigError(variable, `expected true or false, got "${raw}"`);
  },
};

/** Text as given (a password keeps its spaces). */
export const text: Kind<string> = { parse: (raw) => raw };

/** A folder or file, resolved against the working folder. */
export const filePath: Kind<string> = { parse: (raw) => path.resolve(raw.trim()) };

/** A URL of one of the given protocols (`http:`…), kept as written. */
export function url(protocols: readonly string[]): Kind<string> {
  return {
    parse(raw, variable) {
      let parsed: URL;
      try {
        parsed = new URL(raw.trim());
      } catch {
        throw new ConfigError(variable, `not a URL: "${raw}"`);
      }
      if (!protocols.includes(parsed.protocol)) {
        throw new ConfigError(variable, `expected a ${protocols.join(' or ')} URL, got "${parsed.protocol}"`);
      }
      return raw.trim();
    },
  };
}

/** One of a few words, compared without case. */
export function choice<T extends string>(values: readonly T[]): Kind<T> {
  return {
    parse(raw, variable) {
      const value = raw.trim().toLowerCase();
      const found = values.find((candidate) => candidate === value);
      if (found === undefined)
        throw new ConfigError(variable, `expected one of ${values.join(', ')}, got "${raw}"`);
      return found;
    },
  };
}

/** `HH:MM` → minutes after midnight. */
export const clockTime: Kind<number> = {
  parse(raw, variable) {
    const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(raw.trim());
    if (!match) throw new ConfigError(variable, `expected a time of day as HH:MM, got "${raw}"`);
    return Number(match[1]) * 60 + Number(match[2]);
  },
};

/** Comma-separated origins (`https://host[:port]`), each checked and normalised. */
export const origins: Kind<string[]> = {
  parse(raw, variable) {
    return raw
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '')
      .map((item) => {
        let parsed: URL;
        try {
          parsed = new URL(item);
        } catch {
          throw new ConfigError(variable, `not an origin: "${item}"`);
        }
        if (!['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== item.replace(/\/$/, '')) {
          throw new ConfigError(variable, `expected an origin like https://host:port, got "${item}"`);
        }
        return parsed.origin;
      });
  },
};

/** Comma-separated IP addresses and CIDR ranges, IPv4 and IPv6 (server/notify/addresses.ts). */
export const networks: Kind<Network[]> = {
  parse(raw, variable) {
    const parsed = parseNetworks(raw);
    if (typeof parsed === 'string') {
      throw new ConfigError(
        variable,
        `expected comma-separated IP addresses or CIDR ranges (192.168.10.5, 10.20.0.0/16, fd12:3456::/48): ${parsed}`,
      );
    }
    return parsed;
  },
};

/** Comma-separated delays in milliseconds, 1 to 10 of them, each at most an hour. */
export const delays: Kind<number[]> = {
  parse(raw, variable) {
    const values = raw.split(',').map((part) => Number(part.trim()));
    if (
      values.length < 1 ||
      values.length > 10 ||
      values.some((delay) => !Number.isInteger(delay) || delay < 0 || delay > 3_600_000)
    ) {
      throw new ConfigError(variable, `expected 1–10 comma-separated delays in ms (0–3600000), got "${raw}"`);
    }
    return values;
  },
};

/** A number of days, or `off` for no limit (null). */
export const daysOrOff: Kind<number | null> = {
  parse(raw, variable) {
    if (raw.trim().toLowerCase() === 'off') return null;
    return wholeNumber(1, 36_500).parse(raw, variable);
  },
};

/** A key of `bytes` bytes in base64 (e.g. `openssl rand -base64 32`). */
export function base64Key(bytes: number): Kind<Buffer> {
  return {
    parse(raw, variable) {
      const key = Buffer.from(raw.trim(), 'base64');
      if (key.length !== bytes) {
        throw new ConfigError(variable, `expected ${bytes} bytes in base64 (openssl rand -base64 ${bytes})`);
      }
      return key;
    },
  };
}

/** A bearer token: 32 to 512 printable characters without spaces. */
export const bearerToken: Kind<string> = {
  parse(raw, variable) {
    if (!/^[\x21-\x7e]{32,512}$/.test(raw)) {
      throw new ConfigError(
        variable,
        'expected 32 to 512 printable characters without spaces (e.g. openssl rand -hex 32)',
      );
    }
    return raw;
  },
};

/** The part of the README's settings tables a setting belongs to (see ./readme.ts). */
export type SettingGroup = 'hub' | 'notify' | 'accounts' | 'security' | 'retention';

export interface SettingDescription {
  variable: string;
  group: SettingGroup;
  /** The default as the README says it (`8080`, `—` when unset means "none"). */
  defaultText: string;
  meaning: string;
}

/** One setting: what it is called and means, and how its value is read. */
export interface Setting<V> extends SettingDescription {
  read(env: Env): V;
}

function given(env: Env, variable: string): string | undefined {
  const raw = env[variable];
  return raw === undefined || raw.trim() === '' ? undefined : raw;
}

function shown(value: unknown): string {
  return `\`${Array.isArray(value) ? value.join(',') : String(value)}\``;
}

/** A setting with a default: its value is always there. */
export function setting<T>(
  variable: string,
  kind: Kind<T>,
  options: { default: NoInfer<T>; defaultText?: string; group: SettingGroup; meaning: string },
): Setting<T> {
  return {
    variable,
    group: options.group,
    meaning: options.meaning,
    defaultText: options.defaultText ?? shown(options.default),
    read(env) {
      const raw = given(env, variable);
      return raw === undefined ? options.default : kind.parse(raw, variable);
    },
  };
}

/** A setting that may be left unset (undefined); what that means is the hub's to decide. */
export function optional<T>(
  variable: string,
  kind: Kind<T>,
  options: { defaultText?: string; group: SettingGroup; meaning: string },
): Setting<T | undefined> {
  return {
    variable,
    group: options.group,
    meaning: options.meaning,
    defaultText: options.defaultText ?? '—',
    read(env) {
      const raw = given(env, variable);
      return raw === undefined ? undefined : kind.parse(raw, variable);
    },
  };
}
