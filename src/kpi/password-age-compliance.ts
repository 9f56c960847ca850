/**
 * password-age-compliance (KPIS.md, A.5.17).
 * Population: accounts active at T with a password (`hasPassword` false is excluded; unknown
 * counts as having one), optionally only in `groups`. Compliant: password changed within
 * `maxAgeDays` (default 365) before T. Without a password-changed time the creation time
 * stands in (the password set then is still the one in use); without either it fails as unknown.
 */
import { activeAccounts, ownerDepartment } from './account-filter.ts';
import type { EvidenceBundle } from './bundle.ts';
import { numberParam } from './params.ts';
import { periodAt } from './period.ts';
import { z } from 'zod';
import { days, excludeServiceAccountsParam, groupsParam } from './param-fields.ts';
import { defineKpi } from './registry-types.ts';
import { buildResult } from './result.ts';
import { DAY_MS, isoInZone, optMillis, plusDays } from './time.ts';
import type { FailingSubject, KpiContext, KpiResult } from './types.ts';

export function passwordAgeCompliance(bundle: EvidenceBundle, ctx: KpiContext): KpiResult {
  const zone = ctx.organisation.timeZone;
  const T = ctx.at.getTime();
  const maxAgeDays = numberParam(ctx, 'maxAgeDays', 365, { min: 1 });
  const win = periodAt(ctx.objective.period, ctx.at, ctx.organisation);
  const { accounts, index } = activeAccounts(bundle, ctx);
  let numerator = 0;
  let denominator = 0;
  const failing: FailingSubject[] = [];
  for (const { v, data } of accounts) {
    if (data.hasPassword === false) continue;
    denominator++;
    const changed = optMillis(data.passwordChangedAt, zone) ?? optMillis(data.createdAt, zone);
    if (changed !== undefined && plusDays(changed, maxAgeDays, zone) >= T) {
      numerator++;
      continue;
    }
    failing.push({
      type: 'account',
      id: data.login,
      reason: changed === undefined ? 'password age unknown' : `password ${Math.floor((T - changed) / DAY_MS)} days old (max ${maxAgeDays})`,
      details: {
        source: v.source,
        accountId: data.accountId,
        owner: index.resolveAccount(data)?.id ?? null,
        department: ownerDepartment(index, data, ctx),
        passwordChangedAt: changed === undefined ? null : isoInZone(changed, zone),
      },
    });
  }
  return buildResult('password-age-compliance', ctx, win.period, { numerator, denominator, failing });
}

export const passwordAgeComplianceKpi = defineKpi({
  id: 'password-age-compliance',
  params: z.strictObject({
    /** A password older than this many days is out of policy. */
    maxAgeDays: days(1).default(365),
    ...groupsParam,
    ...excludeServiceAccountsParam,
  }),
  unit: 'ratio',
  defaultTarget: 1,
  defaultDirection: 'at_least',
  reads: [
    { kind: 'person', as: 'history' },
    { kind: 'account', as: 'history' },
  ],
  texts: {
    en: { name: 'Passwords within their maximum age', definition: 'Active accounts with a password whose password was changed within the configured maximum age.' },
    ja: { name: 'パスワード有効期間遵守率', definition: 'パスワードを持つ有効なアカウントのうち、定められた日数以内にパスワードが変更されているものの割合。' },
  },
  evaluate: passwordAgeCompliance,
});
