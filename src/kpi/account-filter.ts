/**
 * The accounts that MFA and password KPIs look at: active at T, optionally only members of
 * `groups` (or `scope.groups`), and without service accounts when `excludeServiceAccounts` is
 * true (default false: KPIS.md counts every active account for these KPIs).
 */
import type { AccountRecord, Versioned } from '../evidence/records.ts';
import type { EvidenceBundle } from './bundle.ts';
import { isActive } from './accounts.ts';
import { employmentAt } from './employment.ts';
import { identityIndexFor, type IdentityIndex } from './identity.ts';
import { booleanParam, groupFilter, normText } from './params.ts';
import type { KpiContext } from './types.ts';

export interface ActiveAccount {
  v: Versioned<AccountRecord>;
  data: AccountRecord;
}

export function activeAccounts(bundle: EvidenceBundle, ctx: KpiContext): { accounts: ActiveAccount[]; index: IdentityIndex } {
  const groups = groupFilter(ctx);
  const noService = booleanParam(ctx, 'excludeServiceAccounts', false);
  const index = identityIndexFor(bundle.people, ctx.identity, ctx.organisation);
  const out: ActiveAccount[] = [];
  for (const v of bundle.accounts) {
    if (!isActive(v)) continue;
    const data = v.current!;
    if (groups && !(data.groups ?? []).some((g) => groups.has(normText(g)))) continue;
    if (noService && index.isServiceAccount(data)) continue;
    out.push({ v, data });
  }
  return { accounts: out, index };
}

/** The department of an account's owner in HR as of T, else the IdP's, else null (for failing subjects). */
export function ownerDepartment(index: IdentityIndex, data: AccountRecord, ctx: KpiContext): string | null {
  const owner = index.resolveAccount(data);
  const rules = { zone: ctx.organisation.timeZone, ...(ctx.leftStatuses ? { leftStatuses: ctx.leftStatuses } : {}) };
  return (owner ? employmentAt(owner, ctx.at.getTime(), rules).department : undefined) ?? data.department ?? null;
}
