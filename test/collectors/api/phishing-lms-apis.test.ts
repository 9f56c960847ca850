/**
 * gophish-api and moodle-api against doubles of GoPhish's API and Moodle's web services.
 * GoPhish: the same records as a gophish-json export of the same campaigns, and the snapshot
 * rule (finished campaigns carried over, new and unfinished ones read again, deleted ones kept).
 * Moodle: who completed, when (the last criterion met under "all", the first under "any").
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLmsCollector } from '../../../src/collectors/lms/collector.ts';
import { campaignsToFetch } from '../../../src/collectors/phishing/gophish-api.ts';
import { createPhishingCollector, phishingCollector } from '../../../src/collectors/phishing/collector.ts';
import { EvidenceInputError } from '../../../src/errors.ts';
import { createMemoryStore } from '../../../src/evidence/memory-store.ts';
import type { EvidenceStore } from '../../../src/evidence/store.ts';
import { apiContext, collectRecords } from './context.ts';
import { startGophish, ZERO, type GophishCampaign } from './doubles/gophish.ts';
import { startMoodle, type MoodleCourse } from './doubles/moodle.ts';
import type { Double } from './doubles/server.ts';

const tmp = mkdtempSync(join(tmpdir(), 'phish-lms-'));
const doubles: Double[] = [];
afterEach(async () => {
  await Promise.all(doubles.splice(0).map((d) => d.close()));
});
const keep = <D extends Double>(d: D) => (doubles.push(d), d);

const KEY = 'gophish-api-key-0123456789abcdef';
const result = (email: string, status: string, reported = false) => ({
  id: email.slice(0, 7), status, ip: '', latitude: 0, longitude: 0, send_date: '2026-06-10T01:00:05Z', reported, modified_date: '2026-06-10T02:00:00Z',
  email, first_name: 'F', last_name: 'L', position: '',
});

function campaigns(): GophishCampaign[] {
  return [
    {
      id: 1, name: '2026年6月 訓練', status: 'Completed', created_date: '2026-06-09T00:00:00Z', launch_date: '2026-06-10T01:00:00Z', completed_date: '2026-06-20T00:00:00Z',
      results: [result('a@example.co.jp', 'Clicked Link'), result('b@example.co.jp', 'Email Opened', true), result('c@example.co.jp', 'Error Sending Email')],
      timeline: [{ campaign_id: 1, email: 'b@example.co.jp', time: '2026-06-10T03:00:00Z', message: 'Clicked Link', details: '{}' }],
    },
    {
      id: 2, name: '2026年10月 訓練', status: 'In progress', created_date: '2026-10-19T00:00:00Z', launch_date: '2026-10-20T01:00:00Z',
      results: [result('a@example.co.jp', 'Email Sent'), result('d@example.co.jp', 'Submitted Data')],
    },
  ];
}

const gophishSource = (d: Double) => ({ id: 'gophish', kind: 'phishing' as const, format: 'gophish-api' as const, baseUrl: d.url, apiKeyEnv: 'GOPHISH_KEY' });

async function writeRun(store: EvidenceStore, url: string, at: string) {
  const t = apiContext({ sources: [gophishSource({ url } as Double)], secrets: { GOPHISH_KEY: KEY }, store, observedAt: new Date(at) });
  const out = await createPhishingCollector().collect(t.config.sources[0] as never, t.ctx);
  if (out.type !== 'snapshot') throw new Error('snapshot expected');
  await store.writeSnapshot({ source: 'gophish', kind: 'phishing', observedAt: new Date(at), records: out.records });
  return t;
}

async function current(store: EvidenceStore, at: string) {
  const out: Record<string, { status: string; clicked: boolean }> = {};
  for await (const v of store.readSnapshot('phishing', new Date(at), ['gophish'])) if (v.current) out[v.key.replace('\u001f', ' / ')] = { status: v.current.status, clicked: v.current.clicked };
  return out;
}

describe('gophish-api', () => {
  it('gives the records a gophish-json export of the same campaigns gives', async () => {
    const list = campaigns();
    const d = keep(await startGophish({ key: KEY, campaigns: () => list }));
    const t = apiContext({ sources: [gophishSource(d)], secrets: { GOPHISH_KEY: KEY } });
    const api = await collectRecords(createPhishingCollector() as never, t.ctx);
    const file = join(tmp, 'campaigns.json');
    writeFileSync(file, JSON.stringify(list));
    const f = apiContext({ sources: [{ id: 'gophish', kind: 'phishing', format: 'gophish-json', path: file }] });
    expect(api).toEqual(await collectRecords(phishingCollector as never, f.ctx));
    expect(api).toHaveLength(5);
    // The summary, then each campaign's results: 3 requests, each with the key as a bearer token.
    expect(d.requests.map((r) => r.url.pathname)).toEqual(['/api/campaigns/summary', '/api/campaigns/1/results', '/api/campaigns/2/results']);
    expect(d.requests.every((r) => r.headers.authorization === `Bearer ${KEY}` && !r.url.search.includes(KEY))).toBe(true);
  });

  it('stays a snapshot: finished campaigns are carried over, new and unfinished ones read again, a deleted one kept', async () => {
    let list = campaigns();
    const d = keep(await startGophish({ key: KEY, campaigns: () => list }));
    const store = createMemoryStore();
    // Run 1 (first run): both campaigns read.
    await writeRun(store, d.url, '2026-10-21T00:00:00Z');
    expect(d.requests.map((r) => r.url.pathname)).toEqual(['/api/campaigns/summary', '/api/campaigns/1/results', '/api/campaigns/2/results']);
    // Then: campaign 1 is deleted from GoPhish, campaign 2 completes (d@ also reported), campaign 3 is launched.
    list = [
      { ...campaigns()[1]!, status: 'Completed', completed_date: '2026-10-30T00:00:00Z', results: [result('a@example.co.jp', 'Clicked Link'), result('d@example.co.jp', 'Submitted Data', true)] },
      { id: 3, name: '2026年11月 訓練', status: 'In progress', created_date: '2026-11-01T00:00:00Z', launch_date: '2026-11-02T01:00:00Z', results: [result('e@example.co.jp', 'Email Sent')] },
    ];
    d.requests.length = 0;
    await writeRun(store, d.url, '2026-11-05T00:00:00Z');
    // Campaign 2 completed after run 1 and campaign 3 is new: both read; campaign 1 not asked for.
    expect(d.requests.map((r) => r.url.pathname)).toEqual(['/api/campaigns/summary', '/api/campaigns/2/results', '/api/campaigns/3/results']);
    expect(await current(store, '2026-11-05T00:00:00Z')).toEqual({
      '2026年6月 訓練 / a@example.co.jp': { status: 'Clicked Link', clicked: true },
      '2026年6月 訓練 / b@example.co.jp': { status: 'Email Opened', clicked: true },
      '2026年6月 訓練 / c@example.co.jp': { status: 'Error Sending Email', clicked: false },
      '2026年10月 訓練 / a@example.co.jp': { status: 'Clicked Link', clicked: true },
      '2026年10月 訓練 / d@example.co.jp': { status: 'Submitted Data', clicked: true },
      '2026年11月 訓練 / e@example.co.jp': { status: 'Email Sent', clicked: false },
    });
    // Run 3: campaign 2 completed before run 2 and is stored: carried over; 3 is still in progress.
    d.requests.length = 0;
    await writeRun(store, d.url, '2026-11-10T00:00:00Z');
    expect(d.requests.map((r) => r.url.pathname)).toEqual(['/api/campaigns/summary', '/api/campaigns/3/results']);
    expect(Object.keys(await current(store, '2026-11-10T00:00:00Z'))).toHaveLength(6);
    await store.close();
  });

  it('campaignsToFetch: the rule, case by case', () => {
    const c = (id: number, status: string, launch: string, completed = ZERO) => ({ id, name: `c${id}`, status, launch_date: launch, created_date: launch, completed_date: completed });
    const last = Date.parse('2026-10-01T00:00:00Z');
    const list = [
      c(1, 'Completed', '2026-06-01T00:00:00Z', '2026-06-30T00:00:00Z'), // finished before the last run, stored: carried
      c(2, 'Completed', '2026-09-20T00:00:00Z', '2026-10-02T00:00:00Z'), // finished since: final results read
      c(3, 'In progress', '2026-09-25T00:00:00Z'), // still running: read
      c(4, 'Completed', '2026-05-01T00:00:00Z', '2026-05-30T00:00:00Z'), // finished long ago but not stored: read
      c(5, 'Queued', '2026-10-05T00:00:00Z'), // launched since the last run: read
    ];
    expect(campaignsToFetch(list, last, new Set(['c1', 'c2', 'c3'])).map((x) => x.id)).toEqual([2, 3, 4, 5]);
    expect(campaignsToFetch(list, undefined, new Set()).map((x) => x.id)).toEqual([1, 2, 3, 4, 5]);
    expect(campaignsToFetch(list, undefined, new Set(), '2026-09-01').map((x) => x.id)).toEqual([2, 3, 5]);
  });

  it('a wrong API key fails at once with GoPhish\'s message, never showing the key', async () => {
    const d = keep(await startGophish({ key: 'another-key', campaigns }));
    const t = apiContext({ sources: [gophishSource(d)], secrets: { GOPHISH_KEY: KEY } });
    const err = (await collectRecords(createPhishingCollector() as never, t.ctx).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(EvidenceInputError);
    expect(err.message).toContain('HTTP 401: Invalid API Key');
    expect(err.message).not.toContain(KEY);
    expect(t.counts.apiRequests).toBe(1);
  });
});

describe('moodle-api', () => {
  const TOKEN = 'moodle-ws-token-0123456789';
  // 2026-07-15T09:30+09:00 = 2026-07-15T00:30Z, and so on.
  const s = (iso: string) => Date.parse(iso) / 1000;
  const courses: MoodleCourse[] = [
    {
      id: 12, fullname: '情報セキュリティ研修2026', shortname: 'sec2026', aggregation: 1,
      users: [
        { id: 3, email: 'ken.ito@example.co.jp', fullname: '伊藤 健', criteria: [s('2026-07-15T00:05:00Z'), s('2026-07-15T00:30:00Z')] },
        { id: 4, email: 'Hana.Sato@Example.co.jp', fullname: '佐藤 花', criteria: [s('2026-08-01T01:00:00Z'), s('2026-08-01T00:00:00Z')] },
        { id: 5, email: 'taro@example.co.jp', fullname: '太郎', criteria: [s('2026-08-01T00:00:00Z'), undefined] },
        { id: 6, email: 'jiro@example.co.jp', fullname: '次郎', criteria: [undefined, undefined] },
        { id: 7, email: '', fullname: '名無し', criteria: [s('2026-08-02T00:00:00Z'), s('2026-08-02T00:00:00Z')] },
      ],
    },
    { id: 13, fullname: '個人情報保護研修', shortname: 'pii', aggregation: 2, users: [{ id: 3, email: 'ken.ito@example.co.jp', fullname: '伊藤 健', criteria: [s('2026-09-02T00:00:00Z'), s('2026-09-01T00:00:00Z')] }] },
  ];
  const src = (d: Double, extra: Record<string, unknown> = {}) => ({ id: 'moodle', kind: 'lms' as const, format: 'moodle-api' as const, baseUrl: d.url, tokenEnv: 'MOODLE_TOKEN', courses: [12, 13], pageSize: 2, ...extra });

  it('completions per enrolled user: the last criterion under "all", the first under "any"; e-mail lower-cased', async () => {
    const d = keep(await startMoodle({ token: TOKEN, courses }));
    const t = apiContext({ sources: [src(d)], secrets: { MOODLE_TOKEN: TOKEN } });
    const records = await collectRecords(createLmsCollector() as never, t.ctx);
    expect(records.map((r) => r.data)).toEqual([
      // ken: criteria at 09:05 and 09:30 JST, all needed → 09:30.
      { person: 'ken.ito@example.co.jp', course: '情報セキュリティ研修2026', completedAt: '2026-07-15T09:30:00.000+09:00' },
      // hana: 10:00 and 09:00 JST → the later, 10:00.
      { person: 'hana.sato@example.co.jp', course: '情報セキュリティ研修2026', completedAt: '2026-08-01T10:00:00.000+09:00' },
      // course 13 takes any criterion: the earlier, 1 September 09:00 JST.
      { person: 'ken.ito@example.co.jp', course: '個人情報保護研修', completedAt: '2026-09-01T09:00:00.000+09:00' },
    ]);
    // taro and jiro have not completed (no record); user 7 completed but has no email: rejected, never dropped.
    expect(t.rejections.map((r) => r.reason)).toEqual(['course "情報セキュリティ研修2026": user 7 has no email visible to the service user']);
    // Enrolled users of course 12 in pages of 2 (limitfrom 0, 2, 4), then course 13's one page.
    const pages = d.requests.map((r) => new URLSearchParams(r.body)).filter((f) => f.get('wsfunction') === 'core_enrol_get_enrolled_users');
    expect(pages.map((f) => `${f.get('courseid')}:${f.get('options[2][value]')}`)).toEqual(['12:0', '12:2', '12:4', '13:0']);
    // The token travels in the form body only.
    expect(d.requests.every((r) => !r.url.search.includes(TOKEN))).toBe(true);
  });

  it('an invalid token (HTTP 200 with an exception) fails at once, without the token', async () => {
    const d = keep(await startMoodle({ token: 'other', courses }));
    const t = apiContext({ sources: [src(d)], secrets: { MOODLE_TOKEN: TOKEN } });
    const err = (await collectRecords(createLmsCollector() as never, t.ctx).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(EvidenceInputError);
    expect(err.message).toContain('HTTP 200: invalidtoken: Invalid token - token not found');
    expect(err.message).not.toContain(TOKEN);
    expect(t.counts.apiRequests).toBe(1);
  });

  it('a function missing from the service fails with Moodle\'s access exception', async () => {
    const d = keep(await startMoodle({ token: TOKEN, courses, allowed: ['core_course_get_courses_by_field', 'core_enrol_get_enrolled_users'] }));
    const t = apiContext({ sources: [src(d)], secrets: { MOODLE_TOKEN: TOKEN } });
    const err = (await collectRecords(createLmsCollector() as never, t.ctx).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(EvidenceInputError);
    expect(err.message).toContain('accessexception: Access control exception');
  });

  it('check: the service user, the functions it may call, the enrolled users it sees', async () => {
    const d = keep(await startMoodle({ token: TOKEN, courses }));
    const t = apiContext({ sources: [src(d, { pageSize: 10 })], secrets: { MOODLE_TOKEN: TOKEN } });
    const r = await createLmsCollector().check!(t.config.sources[0] as never, t.ctx);
    expect(r).toMatchObject({ principal: 'isms-reader on 例示LMS', visible: 5, more: false, what: 'enrolments', within: '情報セキュリティ研修2026' });
    expect(r.scopes).toContain('core_completion_get_course_completion_status');
  });
});
