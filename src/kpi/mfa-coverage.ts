/**
 * mfa-coverage — "every active account has multi-factor authentication" (KPIS.md, A.8.5).
 * Population: accounts active at T (params `groups` or `scope.groups` keep only members of
 * those groups); compliant when the IdP export says MFA is enrolled. An export that does not
 * say counts as not enrolled: coverage cannot be claimed without evidence.
 */
import { activeAccounts, ownerDepartment } from './account-filter.ts';
import type { EvidenceBundle } from './bundle.ts';
import { periodAt } from './period.ts';
import { z } from 'zod';
import { excludeServiceAccountsParam, groupsParam } from './param-fields.ts';
import { defineKpi } from './registry-types.ts';
import { buildResult } from './result.ts';
import type { FailingSubject, KpiContext, KpiResult } from './types.ts';

export function mfaCoverage(bundle: EvidenceBundle, ctx: KpiContext): KpiResult {
  const win = periodAt(ctx.objective.period, ctx.at, ctx.organisation);
  const { accounts, index } = activeAccounts(bundle, ctx);
  let numerator = 0;
  const failing: FailingSubject[] = [];
  for (const { v, data } of accounts) {
    if (data.mfaEnrolled === true) {
      numerator++;
      continue;
    }
    failing.push({
      type: 'account',
      id: data.login,
      reason: data.mfaEnrolled === false ? 'no MFA enrolled' : 'the IdP export does not say whether MFA is enrolled',
      details: { source: v.source, accountId: data.accountId, owner: index.resolveAccount(data)?.id ?? null, department: ownerDepartment(index, data, ctx), serviceAccount: index.isServiceAccount(data) },
    });
  }
  return buildResult('mfa-coverage', ctx, win.period, { numerator, denominator: accounts.length, failing });
}

export const mfaCoverageKpi = defineKpi({
  id: 'mfa-coverage',
  params: z.strictObject({ ...groupsParam, ...excludeServiceAccountsParam }),
  unit: 'ratio',
  defaultTarget: 1,
  defaultDirection: 'at_least',
  // People only to name each failing account's owner.
  reads: [
    { kind: 'person', as: 'history' },
    { kind: 'account', as: 'history' },
  ],
  texts: {
    en: { name: 'Multi-factor authentication coverage', definition: 'Accounts active at the evaluation instant that have multi-factor authentication enrolled, per the identity provider.' },
    ja: { name: '多要素認証適用率', definition: '評価時点で有効なアカウントのうち、IdP上で多要素認証が登録されているものの割合。' },
  },
  evaluate: mfaCoverage,
});
