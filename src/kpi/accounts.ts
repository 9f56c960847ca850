/** Facts about an IdP account's history that several KPIs need. */
import type { AccountRecord, Versioned } from '../evidence/records.ts';
import { optMillis } from './time.ts';

/** Whether the account can sign in at T: present in the newest export and enabled. */
export function isActive(v: Versioned<AccountRecord>): boolean {
  return v.current !== null && v.current.enabled === true;
}

/**
 * When the account stopped being able to sign in, for an account disabled or absent at T;
 * undefined when it is active. The start of the trailing run of disabled / absent versions:
 * the IdP's status-changed time of that first disabled version when it gives one, otherwise the
 * first observation that saw it disabled or absent. The IdP's time is believed only between the
 * last version that showed the account enabled and that observation: one not after the
 * observation (a later SUSPENDED → DEPROVISIONED change must not move the disabling later), and
 * after the account was last seen enabled (an export that did not update the field must not
 * move it earlier).
 */
export function disabledAtMs(v: Versioned<AccountRecord>, zone: string): number | undefined {
  return disabling(v, zone)?.ms;
}

/** Where a disabling time comes from, for the evidence report. */
export type DisablingEvidence = 'idp-status-changed' | 'first-observation';

/** {@link disabledAtMs} with where the time comes from. */
export function disabling(v: Versioned<AccountRecord>, zone: string): { ms: number; from: DisablingEvidence } | undefined {
  if (isActive(v)) return undefined;
  let i = v.versions.length - 1;
  while (i >= 0) {
    const d = v.versions[i]!.data;
    if (d !== null && d.enabled) break;
    i--;
  }
  const first = v.versions[i + 1];
  if (!first) return undefined;
  const t = Date.parse(first.at);
  const changed = first.data ? optMillis(first.data.statusChangedAt, zone) : undefined;
  const lastEnabled = i >= 0 ? Date.parse(v.versions[i]!.at) : Number.NEGATIVE_INFINITY;
  if (changed !== undefined && changed < t && changed > lastEnabled) return { ms: changed, from: 'idp-status-changed' };
  return { ms: t, from: 'first-observation' };
}

/** The first observation that saw the account enabled (ms), or undefined if it never was. */
export function firstSeenActiveMs(v: Versioned<AccountRecord>): number | undefined {
  for (const ver of v.versions) if (ver.data !== null && ver.data.enabled) return Date.parse(ver.at);
  return undefined;
}
