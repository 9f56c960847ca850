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
 * the IdP's status-changed time of that first disabled version when it gives one (and it is
 * not after the observation — a later status change, SUSPENDED → DEPROVISIONED, must not move
 * the disabling later), otherwise the first observation that saw it disabled or absent.
 */
export function disabledAtMs(v: Versioned<AccountRecord>, zone: string): number | undefined {
  if (isActive(v)) return undefined;
  let i = v.versions.length - 1;
  while (i >= 0) {
    const d = v.versions[i]!.data;
    if (d !== null && d.enabled) break;
    i--;
  }
  const first = v.versions[i + 1];
  if (!first) return undefined;
  let t = Date.parse(first.at);
  const changed = first.data ? optMillis(first.data.statusChangedAt, zone) : undefined;
  if (changed !== undefined && (Number.isNaN(t) || changed < t)) t = changed;
  return t;
}

/** The first observation that saw the account enabled (ms), or undefined if it never was. */
export function firstSeenActiveMs(v: Versioned<AccountRecord>): number | undefined {
  for (const ver of v.versions) if (ver.data !== null && ver.data.enabled) return Date.parse(ver.at);
  return undefined;
}
