/**
 * training-completion-rate — "everyone completed the security training" (KPIS.md, A.6.3).
 *
 * Params: `courses` (every one required), `anyOf` (one of them suffices; with `courses` both
 * rules apply), `newHireGraceDays` (default 30), `departments` (or `scope.departments`).
 * With neither `courses` nor `anyOf`, a completion of any course counts.
 * Course names compare after NFKC, trimming and case folding. Completions whose person matches
 * nobody are listed in the notes (they may point at an identity-key problem).
 */
import { z } from 'zod';
import type { EvidenceBundle } from './bundle.ts';
import { employmentAt } from './employment.ts';
import { identityIndexFor, type Person } from './identity.ts';
import { departmentFilter, normText, numberParam, stringListParam } from './params.ts';
import { inWindow, periodAt } from './period.ts';
import { days, departmentsParam, nameList } from './param-fields.ts';
import { reason } from './reason.ts';
import { defineKpi } from './registry-types.ts';
import { buildResult } from './result.ts';
import { plusDays, toMillis } from './time.ts';
import type { FailingSubject, KpiContext, KpiResult } from './types.ts';

export function trainingCompletionRate(bundle: EvidenceBundle, ctx: KpiContext): KpiResult {
  const zone = ctx.organisation.timeZone;
  const T = ctx.at.getTime();
  const graceDays = numberParam(ctx, 'newHireGraceDays', 30, { min: 0 });
  const required = (stringListParam(ctx, 'courses') ?? []).map((c) => ({ name: c, key: normText(c) }));
  const anyOf = (stringListParam(ctx, 'anyOf') ?? []).map((c) => ({ name: c, key: normText(c) }));
  const depts = departmentFilter(ctx);
  const win = periodAt(ctx.objective.period, ctx.at, ctx.organisation);
  const index = identityIndexFor(bundle.people, ctx.identity, ctx.organisation);
  const rules = { zone, ...(ctx.leftStatuses ? { leftStatuses: ctx.leftStatuses } : {}) };

  // Courses each person completed within the period and no later than T.
  const done = new Map<Person, Set<string>>();
  const unmatched = new Set<string>();
  for (const c of bundle.completions) {
    if (!inWindow(toMillis(c.completedAt, zone), win)) continue;
    const p = index.resolve(c.person);
    if (!p) {
      unmatched.add(c.person);
      continue;
    }
    let set = done.get(p);
    if (!set) done.set(p, (set = new Set()));
    set.add(normText(c.course));
  }

  let numerator = 0;
  let denominator = 0;
  const failing: FailingSubject[] = [];
  for (const p of index.people) {
    const emp = employmentAt(p, T, rules);
    if (emp.state !== 'active') continue;
    if (emp.hireMs !== undefined && plusDays(emp.hireMs, graceDays, zone) > T) continue;
    if (depts && (emp.department === undefined || !depts.has(normText(emp.department)))) continue;
    denominator++;
    const have = done.get(p);
    const missing = required.filter((c) => !have?.has(c.key)).map((c) => c.name);
    const anyMissing = anyOf.length > 0 && !anyOf.some((c) => have?.has(c.key));
    const noneAtAll = required.length === 0 && anyOf.length === 0 && !have;
    if (missing.length === 0 && !anyMissing && !noneAtAll) {
      numerator++;
      continue;
    }
    const courses = [...missing, ...(anyMissing ? [`one of: ${anyOf.map((c) => c.name).join(', ')}`] : []), ...(noneAtAll ? ['any course'] : [])];
    failing.push({
      type: 'person',
      id: p.id,
      ...reason('trainingMissing', { courses: missing, anyOf: anyMissing ? anyOf.map((c) => c.name) : [], anyCourse: noneAtAll }),
      details: {
        employeeId: p.employeeIds[0] ?? null,
        department: emp.department ?? null,
        missing: courses,
      },
    });
  }
  const notes: FailingSubject[] = [...unmatched].map((id) => ({
    type: 'person' as const,
    id,
    ...reason('completionUnmatched'),
    details: {},
  }));
  return buildResult('training-completion-rate', ctx, win.period, { numerator, denominator, failing, notes });
}

export const trainingCompletionRateKpi = defineKpi({
  id: 'training-completion-rate',
  params: z.strictObject({
    /** Every one of these courses is required. */
    courses: nameList.optional(),
    /** One of these courses suffices. (With neither, a completion of any course counts.) */
    anyOf: nameList.optional(),
    /** People hired fewer days than this before T are not yet expected to have completed. */
    newHireGraceDays: days().default(30),
    ...departmentsParam,
  }),
  unit: 'ratio',
  defaultTarget: 1,
  defaultDirection: 'at_least',
  reads: [
    { kind: 'person', as: 'history' },
    { kind: 'completion', as: 'current' },
  ],
  texts: {
    en: {
      name: 'Security training completed',
      definition: 'People active at the evaluation instant (past their new-hire grace) who completed the required courses within the period.',
    },
    ja: {
      name: '情報セキュリティ研修受講率',
      definition: '評価時点の在籍者（入社後の猶予期間を過ぎた者）のうち、期間内に必須コースを修了した者の割合。',
    },
  },
  evaluate: trainingCompletionRate,
});
