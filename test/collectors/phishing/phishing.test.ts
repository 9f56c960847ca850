import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { phishingCollector } from '../../../src/collectors/phishing/collector.ts';
import { parseGophishResult, unescapeFormula } from '../../../src/collectors/phishing/parse.ts';
import { collectAll, sourceOf, testContext } from '../context.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/phishing');

const outcome = (delivered: boolean, clicked: boolean, submitted: boolean, reported: boolean) => ({ delivered, clicked, submitted, reported });

describe('GoPhish parsing', () => {
  it.each([
    ["'=1+1", '=1+1'],
    ["'-x", '-x'],
    ["'@y", '@y'],
    ["'plain", "'plain"],
    ["'", "'"],
  ])('unescapeFormula(%j) = %j', (v, expected) => expect(unescapeFormula(v)).toBe(expected));

  it('statuses map to outcomes; Opened alone is not a click', () => {
    const opts = { campaign: 'c', launchedAt: '2026-05-12T01:00:00.000Z', zone: 'UTC' };
    const pick = (status: string, reported = false) => {
      const r = parseGophishResult({ email: 'a@x.jp', status, reported }, opts);
      if (!r.ok) throw new Error(r.reason);
      const { delivered, clicked, submitted } = r.data;
      return { delivered, clicked, submitted, reported: r.data.reported };
    };
    expect(pick('Email Sent')).toEqual(outcome(true, false, false, false));
    expect(pick('Email Opened')).toEqual(outcome(true, false, false, false));
    expect(pick('Clicked Link')).toEqual(outcome(true, true, false, false));
    expect(pick('Submitted Data', true)).toEqual(outcome(true, true, true, true));
    expect(pick('Email Reported')).toEqual(outcome(true, false, false, true));
    expect(pick('Error Sending Email')).toEqual(outcome(false, false, false, false));
    expect(pick('Error')).toEqual(outcome(false, false, false, false));
    expect(pick('Queued')).toEqual(outcome(false, false, false, false));
  });
});

describe('phishing collector', () => {
  it('gophish-csv: formula escapes removed, launch = earliest send, bad rows rejected', async () => {
    const { ctx, rejections } = testContext({ baseDir: FIXTURES });
    const records = await collectAll(phishingCollector, sourceOf({ kind: 'phishing', format: 'gophish-csv', path: 'q2-drill.csv' }), ctx);
    const launchedAt = '2026-05-12T01:00:02.000Z';
    const base = { campaign: 'q2-drill', launchedAt };
    expect(records).toEqual([
      { key: 'q2-drill\u001fken.ito@example.co.jp', data: { ...base, email: 'ken.ito@example.co.jp', status: 'Email Sent', ...outcome(true, false, false, false) } },
      { key: 'q2-drill\u001fhanako@example.co.jp', data: { ...base, email: 'hanako@example.co.jp', status: 'Clicked Link', ...outcome(true, true, false, true) } },
      { key: 'q2-drill\u001f-jiro@example.co.jp', data: { ...base, email: '-jiro@example.co.jp', status: 'Submitted Data', ...outcome(true, true, true, false) } },
      { key: 'q2-drill\u001fbounce@example.co.jp', data: { ...base, email: 'bounce@example.co.jp', status: 'Error Sending Email', ...outcome(false, false, false, false) } },
    ]);
    const file = path.join(FIXTURES, 'q2-drill.csv');
    expect(rejections).toEqual([
      { file, line: 6, field: 'reported', reason: 'expected true or false, found "maybe"' },
      { file, line: 7, field: 'email', reason: 'no recipient email' },
    ]);
  });

  it('gophish-csv: configured campaign name and launch time win', async () => {
    const { ctx } = testContext({ baseDir: FIXTURES });
    const source = sourceOf({ kind: 'phishing', format: 'gophish-csv', path: 'q2-drill.csv', campaign: '2026年度 第1回訓練', launchedAt: '2026-05-12 10:00' });
    const records = await collectAll(phishingCollector, source, ctx);
    expect(records[0]!.data).toMatchObject({ campaign: '2026年度 第1回訓練', launchedAt: '2026-05-12T10:00:00.000+09:00' });
  });

  it('gophish-json: launch_date, timeline events add clicks and reports a status hides', async () => {
    const { ctx, rejections } = testContext({ baseDir: FIXTURES });
    const records = await collectAll(phishingCollector, sourceOf({ kind: 'phishing', format: 'gophish-json', path: 'campaign.json' }), ctx);
    const base = { campaign: '2026 Q2 drill', launchedAt: '2026-05-12T10:00:00.000+09:00' };
    expect(records.map((r) => r.data)).toEqual([
      { ...base, email: 'ken.ito@example.co.jp', status: 'Email Opened', ...outcome(true, true, false, false) },
      { ...base, email: 'hanako@example.co.jp', status: 'Email Sent', ...outcome(true, false, false, true) },
      { ...base, email: 'jiro@example.co.jp', status: 'Submitted Data', ...outcome(true, true, true, false) },
      { ...base, email: 'bounce@example.co.jp', status: 'Error Sending Email', ...outcome(false, false, false, false) },
      { ...base, email: 'later@example.co.jp', status: 'Scheduled', ...outcome(false, false, false, false) },
    ]);
    expect(rejections).toEqual([{ file: path.join(FIXTURES, 'campaign.json'), line: 6, field: 'email', reason: 'campaign "2026 Q2 drill": no recipient email' }]);
  });
});
