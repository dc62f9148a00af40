/**
 * The centre's SMS and voice providers (Alibaba Cloud, Tencent Cloud), their credentials sealed with
 * the hub's key like the TOTP secrets: the database alone does not give them away, and the API never
 * shows them again (only which fields are set). SMS goes to the first enabled provider by priority,
 * then to the next when it refuses or does not answer; so does a voice call.
 */
import type { Vault } from '../auth/vault.ts';
import type { Queryable } from '../db/database.ts';
import type { AliyunConfig, ProviderKind, TencentConfig } from './providers/index.ts';

export const PHONE_PROVIDER_KINDS = ['sms_aliyun', 'sms_tencent', 'voice_aliyun', 'voice_tencent'] as const;
export type PhoneProviderKind = (typeof PHONE_PROVIDER_KINDS)[number] & ProviderKind;

export type PhoneProviderConfig = AliyunConfig | TencentConfig;

/** A provider as the API shows it: never the secrets, only which fields hold a value. */
export interface ProviderSummary {
  kind: PhoneProviderKind;
  priority: number;
  enabled: boolean;
  fields: string[];
  updatedAt: string;
}

interface Row {
  kind: PhoneProviderKind;
  config: string;
  priority: number;
  enabled: boolean;
  updated_at: Date;
}

export class ProviderSettings {
  constructor(
    private readonly db: Queryable,
    private readonly vault: Pick<Vault, 'seal' | 'open'>,
  ) {}

  async list(): Promise<ProviderSummary[]> {
    const rows = await this.db.query<Row>('select * from notify_providers order by priority, kind');
    return rows.map((row) => this.summary(row));
  }

  /** The enabled providers of a channel kind with their credentials, first by priority. */
  async forChannel(
    kind: 'sms' | 'voice',
  ): Promise<{ kind: PhoneProviderKind; config: PhoneProviderConfig }[]> {
    const rows = await this.db.query<Row>(
      `select * from notify_providers where enabled and kind like $1 order by priority, kind`,
      [`${kind}\\_%`],
    );
    return rows.map((row) => ({ kind: row.kind, config: JSON.parse(this.vault.open(row.config)) }));
  }

  async set(
    kind: PhoneProviderKind,
    config: PhoneProviderConfig,
    priority: number,
    enabled: boolean,
    userId: string,
    at: Date,
  ): Promise<ProviderSummary> {
    const [row] = await this.db.query<Row>(
      `insert into notify_providers (kind, config, priority, enabled, updated_at, updated_by)
       values ($1, $2, $3, $4, $5, $6)
       on conflict (kind) do update set config = excluded.config, priority = excluded.priority,
         enabled = excluded.enabled, updated_at = excluded.updated_at, updated_by = excluded.updated_by
       returning *`,
      [kind, this.vault.seal(JSON.stringify(config)), priority, enabled, at, userId],
    );
    return this.summary(row as Row);
  }

  async remove(kind: PhoneProviderKind): Promise<boolean> {
    return (
      (await this.db.query('delete from notify_providers where kind = $1 returning kind', [kind])).length ===
      1
    );
  }

  private summary(row: Row): ProviderSummary {
    const config = JSON.parse(this.vault.open(row.config)) as Record<string, unknown>;
    return {
      kind: row.kind,
      priority: row.priority,
      enabled: row.enabled,
      fields: Object.keys(config)
        .filter((field) => config[field] !== undefined && config[field] !== '')
        .sort(),
      updatedAt: new Date(row.updated_at).toISOString(),
    };
  }
}
