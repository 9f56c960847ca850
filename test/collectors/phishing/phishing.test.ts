import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { phishingCollector } from '../../../src/collectors/phishing/collector.ts';
import { failureTimesOf, parseGophishResult, unescapeFormula } from '../../../src/collectors/phishing/parse.ts';
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
      // A failure's time: the CSV has no timeline, so its modified_date (the last status change).
      { key: 'q2-drill\u001fhanako@example.co.jp', data: { ...base, email: 'hanako@example.co.jp', status: 'Clicked Link', ...outcome(true, true, false, true), failedAt: '2026-05-12T02:10:00.000Z' } },
      { key: 'q2-drill\u001f-jiro@example.co.jp', data: { ...base, email: '-jiro@example.co.jp', status: 'Submitted Data', ...outcome(true, true, true, false), failedAt: '2026-05-12T03:00:00.000Z' } },
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
      // The timeline's Clicked Link of Ken.Ito@ (01:11), though the status says only Opened.
      { ...base, email: 'ken.ito@example.co.jp', status: 'Email Opened', ...outcome(true, true, false, false), failedAt: '2026-05-12T01:11:00.000Z' },
      { ...base, email: 'hanako@example.co.jp', status: 'Email Sent', ...outcome(true, false, false, true) },
      { ...base, email: 'jiro@example.co.jp', status: 'Submitted Data', ...outcome(true, true, true, false), failedAt: '2026-05-12T03:00:00.000Z' },
      { ...base, email: 'bounce@example.co.jp', status: 'Error Sending Email', ...outcome(false, false, false, false) },
      { ...base, email: 'later@example.co.jp', status: 'Scheduled', ...outcome(false, false, false, false) },
    ]);
    expect(rejections).toEqual([{ file: path.join(FIXTURES, 'campaign.json'), line: 6, field: 'email', reason: 'campaign "2026 Q2 drill": no recipient email' }]);
  });

  it('a failure time: the earliest click or submission of the timeline, else modified_date of a failed status, else none', () => {
    const timeline = [
      { email: 'a@x.jp', time: '2026-05-12T01:30:00Z', message: 'Submitted Data' },
      { email: 'A@x.jp', time: '2026-05-12T01:20:00Z', message: 'Clicked Link' },
      { email: 'a@x.jp', time: '2026-05-12T01:10:00Z', message: 'Email Opened' },
      { email: 'b@x.jp', time: 'not a time', message: 'Clicked Link' },
    ];
    const failedAt = failureTimesOf(timeline, 'UTC');
    expect([...failedAt]).toEqual([['a@x.jp', '2026-05-12T01:20:00.000Z']]);
    const opts = { campaign: 'c', launchedAt: '2026-05-12T01:00:00.000Z', zone: 'Asia/Tokyo', failedAt };
    const parse = (r: Parameters<typeof parseGophishResult>[0]) => {
      const out = parseGophishResult(r, opts);
      if (!out.ok) throw new Error(out.reason);
      return out.data.failedAt;
    };
    // The timeline wins over modified_date.
    expect(parse({ email: 'a@x.jp', status: 'Submitted Data', modified_date: '2026-05-12T05:00:00Z' })).toBe('2026-05-12T01:20:00.000Z');
    // No timeline event: modified_date of a failed status, zone-less read in the source's zone.
    expect(parse({ email: 'c@x.jp', status: 'Clicked Link', modified_date: '2026-05-12 11:00' })).toBe('2026-05-12T11:00:00.000+09:00');
    // Not failed: no failure time, whatever modified_date says.
    expect(parse({ email: 'd@x.jp', status: 'Email Opened', modified_date: '2026-05-12T05:00:00Z' })).toBeUndefined();
    // Unreadable or GoPhish's zero time: none (the launch stands in).
    expect(parse({ email: 'e@x.jp', status: 'Clicked Link', modified_date: 'yesterday' })).toBeUndefined();
    expect(parse({ email: 'f@x.jp', status: 'Clicked Link', modified_date: '0001-01-01T00:00:00Z' })).toBeUndefined();
  });
});
