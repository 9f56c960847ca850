/**
 * Review of mfa-coverage against KPIS.md, by hand: population = accounts active at T (optionally
 * only those in given groups); compliant = MFA enrolled per the IdP export; default target at_least 1.0.
 * T = 2026-05-20 12:00 JST (Asia/Tokyo, fiscal year from April).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.ts';
import { parseObjective } from '../../../src/config/schema.ts';
import { createMemoryStore } from '../../../src/evidence/memory-store.ts';
import { evaluateObjectives } from '../../../src/kpi/evaluate.ts';
import { mfaCoverage } from '../../../src/kpi/mfa-coverage.ts';
import { account, acct, bundle, ctx, disabled, hr, versioned } from '../helpers.ts';

const T = '2026-05-20T12:00:00+09:00';
const obj = (params: Record<string, unknown> = {}, over: Record<string, unknown> = {}) =>
  parseObjective({ id: 'o', title: 'o', kpi: 'mfa-coverage', target: 1, direction: 'at_least', period: 'quarter', params, ...over });

describe('mfa-coverage (review)', () => {
  it('groups compare after width and case folding; scope.groups applies when params give none', () => {
    const accounts = [
      account('a', { mfaEnrolled: true, groups: ['Admins'] }),
      account('b', { mfaEnrolled: false, groups: ['ａｄｍｉｎｓ'] }), // full width: NFKC → admins
      account('c', { mfaEnrolled: true, groups: ['Sales'] }),
      account('d', { mfaEnrolled: false }), // no groups
    ];
    // params groups ["ＡＤＭＩＮＳ"] → a, b → 1 / 2.
    const p = mfaCoverage(bundle({ accounts }), ctx(obj({ groups: ['ＡＤＭＩＮＳ'] }), T));
    expect([p.numerator, p.denominator]).toEqual([1, 2]);
    // scope.groups [sales] → c → 1 / 1.
    const s = mfaCoverage(bundle({ accounts }), ctx(obj({}, { scope: { groups: ['sales'] } }), T));
    expect([s.numerator, s.denominator]).toEqual([1, 1]);
    // No filter: a b c d → 2 / 4.
    const all = mfaCoverage(bundle({ accounts }), ctx(obj(), T));
    expect([all.numerator, all.denominator, all.value]).toEqual([2, 4, 0.5]);
  });

  it('active at T is what the newest export says: re-enabled is in; leavers\' and orphans\' enabled accounts are in', () => {
    const people = [hr({ employeeId: 'E1', email: 'ken@example.co.jp', leaveDate: '2026-04-10' })];
    const accounts = [
      // disabled 04-01, enabled again 05-01: active at T, enrolled.
      account('r@example.co.jp', { mfaEnrolled: true }, [['2026-04-01T00:00:00Z', disabled('r@example.co.jp', { mfaEnrolled: true })], ['2026-05-01T00:00:00Z', acct('r@example.co.jp', { mfaEnrolled: true })]]),
      account('ken@example.co.jp', { mfaEnrolled: true }), // a leaver's account, still enabled: active
      versioned('okta', 'o', [['2026-05-01T00:00:00Z', acct('nobody@example.co.jp', { mfaEnrolled: false })]]), // orphan: active, not enrolled
      // enrolled once, the newest export says not enrolled: not enrolled.
      account('m@example.co.jp', { mfaEnrolled: true }, [['2026-05-10T00:00:00Z', acct('m@example.co.jp', { mfaEnrolled: false })]]),
    ];
    const r = mfaCoverage(bundle({ people, accounts }), ctx(obj(), T));
    // Population 4; enrolled r, ken → 2 / 4.
    expect([r.numerator, r.denominator]).toEqual([2, 4]);
    expect(r.failing.map((f) => f.id).sort()).toEqual(['m@example.co.jp', 'nobody@example.co.jp']);
  });

  it('one person with accounts in two IdPs: each account counts', () => {
    const accounts = [account('k@example.co.jp', { mfaEnrolled: true }), account('k@example.co.jp', { accountId: 'g-k', mfaEnrolled: false }, [], 'google')];
    const r = mfaCoverage(bundle({ accounts }), ctx(obj(), T));
    // 1 / 2.
    expect([r.numerator, r.denominator]).toEqual([1, 2]);
  });

  it('status: at the warning at_risk, below it missed, at the target met; no active account no_data', () => {
    const four = [account('a', { mfaEnrolled: true }), account('b', { mfaEnrolled: true }), account('c', { mfaEnrolled: true }), account('d', { mfaEnrolled: false })];
    // 3 / 4 = 0.75.
    expect(mfaCoverage(bundle({ accounts: four }), ctx(obj({}, { warning: 0.75 }), T)).status).toBe('at_risk');
    expect(mfaCoverage(bundle({ accounts: four }), ctx(obj({}, { warning: 0.8 }), T)).status).toBe('missed');
    expect(mfaCoverage(bundle({ accounts: four }), ctx(obj({}, { target: 0.75 }), T)).status).toBe('met');
    const none = mfaCoverage(bundle({ accounts: [account('x', { mfaEnrolled: true }, [['2026-05-01T00:00:00Z', null]])] }), ctx(obj(), T));
    expect([none.denominator, none.value, none.status]).toEqual([0, null, 'no_data']);
  });

  it('default target and direction: at_least 1.0', () => {
    const o = parseObjective({ id: 'o', title: 'o', kpi: 'mfa-coverage', period: 'quarter' });
    expect([o.target, o.direction]).toEqual([1, 'at_least']);
  });

  it('evidence observed at or before T: an export observed 1 ms after T is not read', async () => {
    // okta 04-01: x enabled, not enrolled. A later export shows x disabled. Observed at T → x is
    // not active → population 0, no_data. Observed at T + 1 ms → at T x is active → 0 / 1, missed.
    const at = new Date(T);
    const evalWith = async (disabledSeenAt: Date) => {
      const dir = mkdtempSync(join(tmpdir(), 'mfa-review-'));
      const config = parseConfig(
        `organisation: { name: Example KK, timeZone: Asia/Tokyo, fiscalYearStartMonth: 4, internalDomains: [example.co.jp] }
sources:
  - { id: okta, kind: idp, format: okta-json, path: okta.json }
objectives:
  - { id: mfa, title: MFA, kpi: mfa-coverage, period: quarter }
`,
        join(dir, 'isms.yaml'),
      );
      const store = createMemoryStore();
      try {
        await store.writeSnapshot({ source: 'okta', kind: 'account', observedAt: new Date('2026-04-01T00:00:00Z'), records: [{ key: 'o-x', data: acct('x', { accountId: 'o-x', mfaEnrolled: false }) }] });
        await store.writeSnapshot({ source: 'okta', kind: 'account', observedAt: disabledSeenAt, records: [{ key: 'o-x', data: disabled('x', { accountId: 'o-x', mfaEnrolled: false }) }] });
        return (await evaluateObjectives(store, config, at))[0]!;
      } finally {
        await store.close();
      }
    };
    const atT = await evalWith(at);
    expect([atT.denominator, atT.status]).toEqual([0, 'no_data']);
    const later = await evalWith(new Date(at.getTime() + 1));
    expect([later.numerator, later.denominator, later.status]).toEqual([0, 1, 'missed']);
  });
});
