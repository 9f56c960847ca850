/**
 * Retention: which history pruning may remove. Pure, shared by both stores.
 *
 * The cutoff C is the earliest instant an evaluation inside the retention window can look at
 * (the window's start less the longest objective period and grace; computed by the caller). For
 * every record key, an evaluation at T ≥ C reads the key's versions ≤ T. Pruning keeps:
 * - every version after C;
 * - the newest version at or before C: the key's state at C, and so at every T until its next
 *   version (without it, a record unchanged for years would vanish from the window);
 * - the newest version at or before C that holds data: a record absent at C still shows its
 *   last known data (its owner, its status) to the KPIs that read absent records;
 * - the key's first version: when it was first seen.
 * Only the intermediate changes before C go. A key whose whole history lies before C keeps the
 * same three versions, so it reads the same at every T ≥ C.
 */

export interface PrunableVersion {
  at: number;
  data: string | null;
}

/** The `at` of the versions of one key (oldest first) that pruning at `cutoff` removes. */
export function prunableVersions(versions: readonly PrunableVersion[], cutoff: number): number[] {
  let newest = -1;
  let newestData = -1;
  for (let i = 0; i < versions.length; i++) {
    const v = versions[i]!;
    if (v.at > cutoff) break;
    newest = i;
    if (v.data !== null) newestData = i;
  }
  const out: number[] = [];
  for (let i = 1; i < newest; i++) if (i !== newestData) out.push(versions[i]!.at);
  return out;
}

/** A retention such as `7y`, `18m` (months), `400d`: its amount and unit. */
export interface Retention {
  amount: number;
  unit: 'years' | 'months' | 'days';
}

const RETENTION = /^(\d+)\s*([ymd])$/;

export function parseRetention(text: string): Retention | undefined {
  const m = RETENTION.exec(text.trim());
  if (!m) return undefined;
  const amount = Number(m[1]);
  if (!Number.isSafeInteger(amount) || amount < 1) return undefined;
  return { amount, unit: m[2] === 'y' ? 'years' : m[2] === 'm' ? 'months' : 'days' };
}

/** The start of the retention window at `now` (calendar units in UTC). */
export function windowStart(r: Retention, now: Date): Date {
  const d = new Date(now.getTime());
  if (r.unit === 'years') d.setUTCFullYear(d.getUTCFullYear() - r.amount);
  else if (r.unit === 'months') d.setUTCMonth(d.getUTCMonth() - r.amount);
  else d.setUTCDate(d.getUTCDate() - r.amount);
  return d;
}
