/**
 * E2E audit (KPIS.md "People are matched across sources by identity keys … Aliases map extra
 * logins to a person", applied to phishing-click-rate, phishing-repeat-clicker-count and
 * post-click-training-rate): HR roster + GoPhish CSVs + an LMS CSV keyed by employee id.
 *
 * HR: E1 ann@corp.example (Sales), E2 bob@corp.example (Dev); alias old-ann@corp.example → ann.
 * Organisation UTC, fiscal year January; period year 2026; T = 2026-09-30T00:00Z.
 * Campaign P (launchedAt 2026-03-01T09:00Z): ann@ Clicked Link (modified 03-01T10:00Z),
 *   old-ann@ (same person by alias) Email Sent, bob@ Email Sent, ext@partner.example Clicked Link
 *   (modified 03-01T11:00Z; no HR person: known by address)
 * Campaign Q (launchedAt 2026-06-01T09:00Z): OLD-ANN@corp.example Submitted Data (modified
 *   06-01T12:00Z), bob@ Email Opened, ext@partner.example Clicked Link (modified 06-01T13:00Z)
 * Click rate: P has 3 people (ann — two addresses, one person — bob, ext), Q 3 → 6; failures
 *   P: ann, ext; Q: ann, ext → 4/6
 * Repeat clickers (min 2): ann (P via ann@, Q via the alias) and ext → 2; people 3
 * Post-click (course Follow-up, 14 days), LMS rows by employee id / address:
 *   ann-P failed 03-01T10:00Z → deadline 03-15T10:00Z; LMS "E1" 2026-03-10T00:00Z → ✓
 *   ann-Q failed 06-01T12:00Z → deadline 06-15T12:00Z; LMS "E1" 2026-03-10 is before the failure,
 *     none after → ✗
 *   ext-P failed 03-01T11:00Z → deadline 03-15T11:00Z; ext@partner.example 2026-03-15T11:00Z → ✓
 *   ext-Q failed 06-01T13:00Z → deadline 06-15T13:00Z; none after → ✗   → 2/4
 * With departments [Sales]: only ann (HR dept Sales) → click rate 2/2
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objective, Workspace } from './harness.ts';

const HEAD = 'id,status,ip,latitude,longitude,send_date,reported,modified_date,email,first_name,last_name,position\n';
let ws: Workspace;
let cfg: string;
const T = '2026-09-30T00:00:00Z';

beforeAll(() => {
  ws = new Workspace();
  ws.write('hr.csv', 'employeeId,email,department,hireDate,leaveDate\nE1,ann@corp.example,Sales,2020-01-01,\nE2,bob@corp.example,Dev,2020-01-01,\n');
  ws.write(
    'p.csv',
    HEAD +
      'p1,Clicked Link,,,,2026-03-01T09:00:00Z,false,2026-03-01T10:00:00Z,ann@corp.example,,,\n' +
      'p2,Email Sent,,,,2026-03-01T09:00:00Z,false,2026-03-01T09:00:00Z,old-ann@corp.example,,,\n' +
      'p3,Email Sent,,,,2026-03-01T09:00:00Z,false,2026-03-01T09:00:00Z,bob@corp.example,,,\n' +
      'p4,Clicked Link,,,,2026-03-01T09:00:00Z,false,2026-03-01T11:00:00Z,ext@partner.example,,,\n',
  );
  ws.write(
    'q.csv',
    HEAD +
      'q1,Submitted Data,,,,2026-06-01T09:00:00Z,false,2026-06-01T12:00:00Z,OLD-ANN@corp.example,,,\n' +
      'q2,Email Opened,,,,2026-06-01T09:00:00Z,false,2026-06-01T09:30:00Z,bob@corp.example,,,\n' +
      'q3,Clicked Link,,,,2026-06-01T09:00:00Z,false,2026-06-01T13:00:00Z,ext@partner.example,,,\n',
  );
  ws.write('lms.csv', 'person,course,completedAt\nE1,Follow-up,2026-03-10T00:00:00Z\next@partner.example,Follow-up,2026-03-15T11:00:00Z\n');
  cfg = ws.config(
    `  - { id: hr, kind: hr-roster, path: hr.csv }
  - { id: p, kind: phishing, format: gophish-csv, path: p.csv, campaign: P, launchedAt: '2026-03-01T09:00:00Z' }
  - { id: q, kind: phishing, format: gophish-csv, path: q.csv, campaign: Q, launchedAt: '2026-06-01T09:00:00Z' }
  - { id: lms, kind: lms, format: generic-csv, path: lms.csv }
identity:
  aliases: { old-ann@corp.example: ann@corp.example }`,
    [
      objective('click', 'phishing-click-rate', 'year'),
      objective('click-sales', 'phishing-click-rate', 'year', '{ departments: [Sales] }'),
      objective('repeat', 'phishing-repeat-clicker-count', 'year'),
      objective('retrain', 'post-click-training-rate', 'year', '{ courses: [Follow-up] }'),
    ].join(''),
    'timeZone: UTC\n  internalDomains: [corp.example]',
  );
  ws.collect(cfg, { observedAt: '2026-03-01T00:00:00Z' });
});
afterAll(() => ws.dispose());

describe('phishing KPIs across identities (HR, aliases, employee ids)', () => {
  it('phishing-click-rate counts one recipient per person and campaign: 4/6', () => {
    const o = ws.evaluate(cfg, T).click!;
    expect([o.numerator, o.denominator]).toEqual([4, 6]);
  });

  it('departments keep the recipients HR places there: 2/2', () => {
    const o = ws.evaluate(cfg, T)['click-sales']!;
    expect([o.numerator, o.denominator]).toEqual([2, 2]);
  });

  it('phishing-repeat-clicker-count joins an alias to its person: 2 of 3 people', () => {
    const o = ws.evaluate(cfg, T).repeat!;
    expect(o.value).toBe(2);
    expect(o.denominator).toBe(3);
  });

  it('post-click-training-rate matches LMS rows by employee id: 2/4', () => {
    const o = ws.evaluate(cfg, T).retrain!;
    expect([o.numerator, o.denominator]).toEqual([2, 4]);
  });
});
