/** Builders for KPI tests: contexts, versioned records, bundles. */
import { configSchema, type IdentityConfig, type ObjectiveConfig, type OrganisationConfig } from '../../src/config/schema.ts';
import type { AccountRecord, PersonRecord, Versioned } from '../../src/evidence/records.ts';
import { emptyBundle, type EvidenceBundle } from '../../src/kpi/bundle.ts';
import type { KpiContext } from '../../src/kpi/types.ts';

/** Asia/Tokyo, fiscal year from April, default login domain example.co.jp. */
export const TOKYO: OrganisationConfig = {
  name: 'Example KK',
  timeZone: 'Asia/Tokyo',
  fiscalYearStartMonth: 4,
  internalDomains: ['example.co.jp'],
  defaultLoginDomain: 'example.co.jp',
  language: 'ja',
};

export function identity(over: Partial<IdentityConfig> = {}): IdentityConfig {
  return configSchema.parse({ organisation: { name: 'x', internalDomains: ['x'] }, identity: over }).identity;
}

export function objective(over: Partial<ObjectiveConfig> & Pick<ObjectiveConfig, 'kpi'>): ObjectiveConfig {
  return {
    id: 'obj',
    title: 'objective',
    params: {},
    target: 1,
    direction: 'at_least',
    period: 'quarter',
    controls: [],
    scope: {},
    alerts: {},
    ...over,
  };
}

export function ctx(o: ObjectiveConfig, at: string, opts: { org?: OrganisationConfig; identity?: IdentityConfig } = {}): KpiContext {
  return { objective: o, organisation: opts.org ?? TOKYO, identity: opts.identity ?? identity(), at: new Date(at) };
}

/** A snapshot record seen with these versions (oldest first); `null` data = absent from then on. */
export function versioned<T>(source: string, key: string, versions: [string, T | null][]): Versioned<T> {
  const last = versions[versions.length - 1];
  return { source, key, current: last ? last[1] : null, versions: versions.map(([at, data]) => ({ at, data })) };
}

/** An HR record present (unchanged) since 2025-01-01. */
export function hr(data: PersonRecord, source = 'hr'): Versioned<PersonRecord> {
  return versioned(source, data.employeeId ?? data.email ?? 'x', [['2025-01-01T00:00:00Z', data]]);
}

export function acct(login: string, over: Partial<AccountRecord> = {}): AccountRecord {
  return { accountId: `id-${login}`, login, enabled: true, rawStatus: 'ACTIVE', ...over };
}

/** An account enabled since 2025-01-01, with later versions (disabled / absent). */
export function account(login: string, over: Partial<AccountRecord> = {}, later: [string, AccountRecord | null][] = [], source = 'okta'): Versioned<AccountRecord> {
  return versioned(source, `id-${login}`, [['2025-01-01T00:00:00Z', acct(login, over)], ...later]);
}

export function disabled(login: string, over: Partial<AccountRecord> = {}): AccountRecord {
  return acct(login, { enabled: false, rawStatus: 'SUSPENDED', ...over });
}

export function bundle(over: Partial<EvidenceBundle>): EvidenceBundle {
  return { ...emptyBundle(), ...over };
}
