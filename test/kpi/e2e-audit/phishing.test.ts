/**
 * E2E audit (KPIS.md "phishing-click-rate", "phishing-report-rate",
 * "phishing-repeat-clicker-count", "post-click-training-rate"): GoPhish UI CSV and campaign
 * JSON exports + a generic LMS CSV → collect → evaluate, values worked out by hand.
 *
 * Organisation: Asia/Tokyo, fiscal year from April (so `year` at T in 2026-06 is
 * [2026-04-01T00:00+09:00, T]).
 *
 * Campaign "A" (CSV, no launchedAt configured: launch = earliest send_date, read in JST):
 *   earliest send_date "2026-04-01 00:00:00" (no zone → 2026-04-01T00:00+09:00, the period's
 *   first instant → in the period; read as UTC it would still be in, so campaign B checks the zone)
 *   ann  Email Sent, reported false            → recipient
 *   bob  Clicked Link, reported true           → recipient, failure, reported (modified 04-02 09:00 JST)
 *   cy   Submitted Data, reported false        → recipient, failure (modified_date unset 0001-… → launch)
 *   dan  Error Sending Email                   → not delivered: outside the population
 *   eve  Email Opened, reported true           → recipient, reported
 *   fay  Scheduled                             → not sent: outside
 *   '=gus@corp.example (formula-escaped) Email Sent → gus@corp.example, recipient
 *   → population 5 (ann bob cy eve gus), failures 2 (bob cy), reported 2 (bob eve)
 * Campaign "B" (CSV): send_date "2026-03-31 23:30:00" without zone = 2026-03-31T23:30+09:00,
 *   before the fiscal year → every row out of the period (read as UTC it would be in).
 *   cy clicked there, so cy failed twice overall but only once in the period.
 * Campaign "C" (JSON, launch_date 2026-05-10T09:00+09:00):
 *   ann  status Email Opened, timeline "Clicked Link" 2026-05-10T15:00+09:00 → failure
 *   BOB@corp.example (case differs) status Clicked Link, timeline click 2026-05-10T10:00+09:00
 *        and "Email Reported" event → failure, reported (reported flag false)
 *   ivy  Error Sending Email → outside
 *   → population 2, failures 2, reported 1
 * Campaign "D" (CSV, launchedAt 2026-06-25T10:00+09:00): hal Clicked Link (modified 06-25 11:00)
 *   → population 1, failure 1 (its follow-up deadline 07-09 11:00 is after T = 06-30)
 *
 * At T = 2026-06-30T00:00+09:00, period year = [2026-04-01, T]:
 *   click-rate  = (2 + 2 + 1) / (5 + 2 + 1) = 5/8
 *   report-rate = (2 + 1 + 0) / 8 = 3/8
 *   repeat clickers (min 2): bob (A, C) only → 1; cy's B is outside; population = people with a
 *     delivered drill in the period: ann bob cy eve gus hal = 6
 *   post-click (withinDays 14, course "Follow-up"):
 *     bob-A failed 2026-04-02T09:00+09:00 → deadline 04-16T09:00; completion 04-16T09:00+09:00
 *           exactly at the deadline → on time
 *     cy-A  no failure time → launch 04-01T00:00 → deadline 04-15T00:00; completion date-only
 *           2026-04-13 (a whole day, inside) → on time
 *     ann-C failed 05-10T15:00 → deadline 05-24T15:00; completions: 2026-05-09 (day before the
 *           failure: not after it), "Other course" 05-11 (not a listed course) → not retrained
 *     bob-C failed 05-10T10:00 (timeline, earlier than nothing else) → deadline 05-24T10:00;
 *           completion 05-24T10:00:01+09:00 → one second late; the 04-16 completion is before
 *           this failure → not compliant
 *     hal-D deadline 07-09T11:00 > T → pending, outside the population
 *     → 2 / 4
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objective, Workspace } from './harness.ts';

const HEAD = 'id,status,ip,latitude,longitude,send_date,reported,modified_date,email,first_name,last_name,position\n';
const NEVER = '0001-01-01T00:00:00Z';

let ws: Workspace;
let cfg: string;
const T = '2026-06-30T00:00:00+09:00';

beforeAll(() => {
  ws = new Workspace();
  ws.write(
    'a.csv',
    HEAD +
      `r1,Email Sent,,,,2026-04-01 00:05:00,false,2026-04-01 00:05:00,ann@corp.example,Ann,A,\n` +
      `r2,Clicked Link,1.2.3.4,,,2026-04-01 00:06:00,true,2026-04-02T09:00:00+09:00,bob@corp.example,Bob,B,\n` +
      `r3,Submitted Data,1.2.3.4,,,2026-04-01 00:00:00,false,${NEVER},cy@corp.example,Cy,C,\n` +
      `r4,Error Sending Email,,,,2026-04-01 00:07:00,false,${NEVER},dan@corp.example,Dan,D,\n` +
      `r5,Email Opened,,,,2026-04-01 00:08:00,true,2026-04-03 10:00:00,eve@corp.example,Eve,E,\n` +
      `r6,Scheduled,,,,${NEVER},false,${NEVER},fay@corp.example,Fay,F,\n` +
      `r7,Email Sent,,,,2026-04-01 00:09:00,false,2026-04-01 00:09:00,'=gus@corp.example,Gus,G,\n`,
  );
  ws.write(
    'b.csv',
    HEAD +
      `s1,Clicked Link,,,,2026-03-31 23:30:00,false,2026-03-31 23:40:00,cy@corp.example,Cy,C,\n` +
      `s2,Clicked Link,,,,2026-03-31 23:31:00,false,2026-03-31 23:41:00,ann@corp.example,Ann,A,\n`,
  );
  ws.write(
    'c.json',
    JSON.stringify({
      id: 7,
      name: 'C',
      created_date: '2026-05-09T18:00:00.000000+09:00',
      launch_date: '2026-05-10T09:00:00.000000+09:00',
      status: 'Completed',
      results: [
        { id: 'aaaaaaa', status: 'Email Opened', ip: '', latitude: 0, longitude: 0, send_date: '2026-05-10T09:00:01+09:00', reported: false, modified_date: '2026-05-10T16:00:00+09:00', email: 'ann@corp.example', first_name: 'Ann', last_name: 'A', position: '' },
        { id: 'bbbbbbb', status: 'Clicked Link', ip: '', latitude: 0, longitude: 0, send_date: '2026-05-10T09:00:02+09:00', reported: false, modified_date: '2026-05-12T10:00:00+09:00', email: 'BOB@corp.example', first_name: 'Bob', last_name: 'B', position: '' },
        { id: 'ccccccc', status: 'Error Sending Email', ip: '', latitude: 0, longitude: 0, send_date: '2026-05-10T09:00:03+09:00', reported: false, modified_date: NEVER, email: 'ivy@corp.example', first_name: 'Ivy', last_name: 'I', position: '' },
      ],
      timeline: [
        { email: '', time: '2026-05-09T18:00:00.000000+09:00', message: 'Campaign Created', details: '' },
        { email: 'ann@corp.example', time: '2026-05-10T09:00:01.000000+09:00', message: 'Email Sent', details: '' },
        { email: 'BOB@corp.example', time: '2026-05-10T09:00:02.000000+09:00', message: 'Email Sent', details: '' },
        { email: 'BOB@corp.example', time: '2026-05-10T10:00:00.000000+09:00', message: 'Clicked Link', details: '{}' },
        { email: 'BOB@corp.example', time: '2026-05-12T10:00:00.000000+09:00', message: 'Email Reported', details: '{}' },
        { email: 'ann@corp.example', time: '2026-05-10T15:00:00.000000+09:00', message: 'Clicked Link', details: '{}' },
        { email: 'ann@corp.example', time: '2026-05-10T16:00:00.000000+09:00', message: 'Email Opened', details: '{}' },
        { email: 'ivy@corp.example', time: '2026-05-10T09:00:03.000000+09:00', message: 'Error Sending Email', details: '{}' },
      ],
    }),
  );
  ws.write('d.csv', HEAD + `t1,Clicked Link,,,,2026-06-25T10:00:00+09:00,false,2026-06-25T11:00:00+09:00,hal@corp.example,Hal,H,\n`);
  ws.write(
    'lms.csv',
    'email,course,completedAt\n' +
      'bob@corp.example,Follow-up,2026-04-16T09:00:00+09:00\n' +
      'cy@corp.example,Follow-up,2026-04-13\n' +
      'ann@corp.example,Follow-up,2026-05-09\n' +
      'ann@corp.example,Other course,2026-05-11T10:00:00+09:00\n' +
      'bob@corp.example,Follow-up,2026-05-24T10:00:01+09:00\n',
  );
  cfg = ws.config(
    `  - { id: ga, kind: phishing, format: gophish-csv, path: a.csv, campaign: A }
  - { id: gb, kind: phishing, format: gophish-csv, path: b.csv, campaign: B }
  - { id: gc, kind: phishing, format: gophish-json, path: c.json }
  - { id: gd, kind: phishing, format: gophish-csv, path: d.csv, campaign: D, launchedAt: '2026-06-25T10:00:00+09:00' }
  - { id: lms, kind: lms, format: generic-csv, path: lms.csv }`,
    [
      objective('click', 'phishing-click-rate', 'year'),
      objective('report', 'phishing-report-rate', 'year', '', '    target: 0.5\n    direction: at_least\n'),
      objective('repeat', 'phishing-repeat-clicker-count', 'year', '{ minFailures: 2 }'),
      objective('retrain', 'post-click-training-rate', 'year', '{ courses: [Follow-up], withinDays: 14 }'),
    ].join(''),
  );
  ws.collect(cfg, { observedAt: '2026-06-29T12:00:00+09:00' });
});
afterAll(() => ws.dispose());

describe('phishing KPIs end to end (GoPhish CSV + JSON, LMS CSV)', () => {
  it('phishing-click-rate: 5 failures of 8 delivered recipients in FY2026 to date', () => {
    const o = ws.evaluate(cfg, T).click!;
    expect([o.numerator, o.denominator]).toEqual([5, 8]);
    expect(o.value).toBeCloseTo(5 / 8, 12);
    expect(o.status).toBe('missed');
  });

  it('phishing-report-rate: the reported flag and the "Email Reported" event, 3 of 8', () => {
    const o = ws.evaluate(cfg, T).report!;
    expect([o.numerator, o.denominator]).toEqual([3, 8]);
    expect(o.status).toBe('missed'); // 0.375 < 0.5
  });

  it('phishing-repeat-clicker-count: bob (A and C); cy\'s other failure is in campaign B, before the period', () => {
    const o = ws.evaluate(cfg, T).repeat!;
    expect(o.value).toBe(1);
    expect(o.denominator).toBe(6);
    const ev = ws.evidence(cfg, 'repeat', T);
    expect(ev.failing.map((f) => f.id)).toEqual(['bob@corp.example']);
    expect(ev.failing[0]!.details.campaigns).toEqual(['A', 'C']);
  });

  it('post-click-training-rate: on time exactly at the deadline, late by one second, pending excluded', () => {
    const o = ws.evaluate(cfg, T).retrain!;
    expect([o.numerator, o.denominator]).toEqual([2, 4]);
    const ev = ws.evidence(cfg, 'retrain', T);
    expect(ev.failing.map((f) => `${f.id}/${String(f.details.campaign)}`).sort()).toEqual(['ann@corp.example/C', 'bob@corp.example/C']);
  });

  it('evidence observed after T is not used (collected as of 2026-06-29 12:00)', () => {
    const o = ws.evaluate(cfg, '2026-06-29T11:59:59+09:00').click!;
    expect(o.status).toBe('no_data');
    expect(o.value).toBeNull();
  });
});

/**
 * Window edges, in a workspace of its own whose export is observed before every T evaluated.
 * Campaign E: launchedAt 2026-05-10T09:00+09:00 configured; 2 recipients, 1 clicked.
 * Campaign F: no launchedAt; send_date "2026-04-01T00:00:00" without zone → 2026-04-01T00:00+09:00
 *   (first instant of FY2026 Q1); 1 recipient, clicked.
 * Export observed 2026-04-01T00:00+09:00 (the program does not compare event times with it).
 */
describe('phishing period edges', () => {
  let ws2: Workspace;
  let cfg2: string;
  beforeAll(() => {
    ws2 = new Workspace();
    ws2.write('e.csv', HEAD + `e1,Clicked Link,,,,${NEVER},false,${NEVER},ann@corp.example,Ann,A,
e2,Email Sent,,,,${NEVER},false,${NEVER},bob@corp.example,Bob,B,
`);
    ws2.write('f.csv', HEAD + `f1,Clicked Link,,,,2026-04-01T00:00:00,false,${NEVER},cy@corp.example,Cy,C,
`);
    cfg2 = ws2.config(
      `  - { id: ge, kind: phishing, format: gophish-csv, path: e.csv, campaign: E, launchedAt: '2026-05-10T09:00:00+09:00' }
  - { id: gf, kind: phishing, format: gophish-csv, path: f.csv, campaign: F }`,
      [objective('rolling', 'phishing-click-rate', 'rolling 50 days'), objective('q', 'phishing-click-rate', 'quarter'), objective('m', 'phishing-click-rate', 'month')].join(''),
    );
    ws2.collect(cfg2, { observedAt: '2026-04-01T00:00:00+09:00' });
  });
  afterAll(() => ws2.dispose());

  it('a campaign launched exactly at T counts; at 1 ms before its launch it does not', () => {
    // month period at T = E's launch: May 2026 → E in (1/2); F (April) out.
    const at = ws2.evaluate(cfg2, '2026-05-10T09:00:00+09:00').m!;
    expect([at.numerator, at.denominator]).toEqual([1, 2]);
    const before = ws2.evaluate(cfg2, '2026-05-10T08:59:59.999+09:00').m!;
    expect(before.status).toBe('no_data');
  });

  it('rolling 50 days is (T − 50 d, T]: a launch exactly at T − 50 d is out', () => {
    // T = E's launch + 50 d = 2026-06-29T09:00+09:00 → E out, F out → no data
    expect(ws2.evaluate(cfg2, '2026-06-29T09:00:00+09:00').rolling!.status).toBe('no_data');
    // one second earlier E is in: 1/2
    const o = ws2.evaluate(cfg2, '2026-06-29T08:59:59+09:00').rolling!;
    expect([o.numerator, o.denominator]).toEqual([1, 2]);
  });

  it('a zone-less send_date is read in the organisation zone: F launched at the first instant of fiscal Q1', () => {
    // quarter at T = 2026-04-01T00:00+09:00 is fiscal Q1 [04-01 00:00, T] → F in: 1/1.
    const o = ws2.evaluate(cfg2, '2026-04-01T00:00:00+09:00').q!;
    expect([o.numerator, o.denominator]).toEqual([1, 1]);
    // at T = 2026-06-30T23:59:59+09:00 (still Q1): E and F → 2/3
    const o2 = ws2.evaluate(cfg2, '2026-06-30T23:59:59+09:00').q!;
    expect([o2.numerator, o2.denominator]).toEqual([2, 3]);
    // at 2026-07-01T00:00+09:00 (Q2 starts) nothing launched in Q2
    expect(ws2.evaluate(cfg2, '2026-07-01T00:00:00+09:00').q!.status).toBe('no_data');
  });
});

/**
 * One recipient in two rows of one campaign export. GoPhish keeps targets apart by the address
 * as written, so `Ann@corp.example` and `ann@corp.example` (or one target in two groups) are two
 * results; KPIS.md counts one per person and campaign, failed when the person clicked.
 * Campaign G (CSV, launchedAt 2026-05-01T10:00+09:00):
 *   ann@corp.example  Email Sent     (first row)
 *   Ann@corp.example  Clicked Link   modified 2026-05-01T11:00+09:00, reported
 *   bob@corp.example  Error Sending Email
 *   BOB@corp.example  Email Opened   → bob delivered once
 * → population 2 (ann, bob), failures 1 (ann), reported 1 (ann)
 * Campaign H (JSON): cy@ twice (Email Sent; then Submitted Data) → population 1, failure 1
 * post-click (withinDays 14): ann failed 05-01T11:00 → deadline 05-15T11:00; completion
 *   05-15T11:00 → on time; cy failed at H's launch 05-02T10:00 (no timeline; modified_date unset)
 *   → deadline 05-16T10:00, no completion → 1/2 at T = 2026-06-01
 */
describe('phishing: one recipient in two rows', () => {
  let ws3: Workspace;
  let cfg3: string;
  beforeAll(() => {
    ws3 = new Workspace();
    ws3.write(
      'g.csv',
      HEAD +
        `g1,Email Sent,,,,2026-05-01T10:00:00+09:00,false,2026-05-01T10:00:00+09:00,ann@corp.example,Ann,A,\n` +
        `g2,Clicked Link,,,,2026-05-01T10:00:00+09:00,true,2026-05-01T11:00:00+09:00,Ann@corp.example,Ann,A,\n` +
        `g3,Error Sending Email,,,,2026-05-01T10:00:00+09:00,false,${NEVER},bob@corp.example,Bob,B,\n` +
        `g4,Email Opened,,,,2026-05-01T10:00:00+09:00,false,2026-05-01T12:00:00+09:00,BOB@corp.example,Bob,B,\n`,
    );
    ws3.write(
      'h.json',
      JSON.stringify({
        name: 'H',
        launch_date: '2026-05-02T10:00:00+09:00',
        results: [
          { id: 'h1', status: 'Email Sent', reported: false, send_date: '2026-05-02T10:00:00+09:00', modified_date: '2026-05-02T10:00:00+09:00', email: 'cy@corp.example' },
          { id: 'h2', status: 'Submitted Data', reported: false, send_date: '2026-05-02T10:00:00+09:00', modified_date: NEVER, email: 'cy@corp.example' },
        ],
        timeline: [],
      }),
    );
    ws3.write('lms.csv', 'email,course,completedAt\nann@corp.example,Follow-up,2026-05-15T11:00:00+09:00\n');
    cfg3 = ws3.config(
      `  - { id: g, kind: phishing, format: gophish-csv, path: g.csv, campaign: G, launchedAt: '2026-05-01T10:00:00+09:00' }
  - { id: h, kind: phishing, format: gophish-json, path: h.json }
  - { id: lms, kind: lms, format: generic-csv, path: lms.csv }`,
      [
        objective('click', 'phishing-click-rate', 'quarter'),
        objective('report', 'phishing-report-rate', 'quarter', '', '    target: 1\n    direction: at_least\n'),
        objective('retrain', 'post-click-training-rate', 'quarter', '{ courses: [Follow-up] }'),
      ].join(''),
    );
    ws3.collect(cfg3, { observedAt: '2026-04-15T00:00:00+09:00' });
  });
  afterAll(() => ws3.dispose());

  it('the rows merge: 2 failures of 3 recipients, 1 report', () => {
    const r = ws3.evaluate(cfg3, '2026-06-01T00:00:00+09:00');
    expect([r.click!.numerator, r.click!.denominator]).toEqual([2, 3]);
    expect([r.report!.numerator, r.report!.denominator]).toEqual([1, 3]);
    expect([r.retrain!.numerator, r.retrain!.denominator]).toEqual([1, 2]);
  });
});
