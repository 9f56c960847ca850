/**
 * The example organisation's phishing follow-up, by construction (test/fixtures/example-expected.md):
 * two drills of the previous fiscal year's second half — December 2025 (the GoPhish campaign JSON,
 * with its timeline) and February 2026 (the results CSV) — and the remedial course's completions
 * (a generic LMS CSV).
 *
 * R0, R1, … are the regular employees hired by 2025-12-01, in employee-id order. December's
 * recipients are R0–R39 (R39's send bounced), February's R20–R59. December's failures: R20, R21,
 * R22 (who fail again in February) and R0–R4; February's: R20, R21, R22, R40, R41, R42.
 * Retraining, 14 days from each failure: December — R0, R1, R2, R20, R21 three days after, R22
 * exactly fourteen days after, R3 twenty days after (late), R4 never; February — R21 five days
 * after, R22 thirteen, R40 one, R41 thirty (late), R20 and R42 never (R20's December course came
 * before this failure).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExamplePerson, Organisation } from './model.ts';
import { mulberry32 } from './prng.ts';
import { FileSink, csvLine } from './sink.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS, jstDayStart, jstIso } from './time.ts';
import { GOPHISH_HEADERS } from './writers.ts';

export const FOLLOW_UP_FILES = {
  december: 'gophish-2025-12.json',
  february: 'gophish-2026-02.csv',
  lms: 'lms-phishing-followup.csv',
} as const;
export const FOLLOW_UP_COURSE = '標的型メール対策フォローアップ研修';
export const DECEMBER = { name: '2025年12月 標的型メール訓練（年末調整）', launchedAt: jstDayStart('2025-12-10') + 10 * HOUR_MS };
export const FEBRUARY = { name: '2026年2月 標的型メール訓練（健康診断予約）', launchedAt: jstDayStart('2026-02-17') + 10 * HOUR_MS };

function goTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}.000000Z`;
}

function rid(rng: ReturnType<typeof mulberry32>): string {
  const A = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  let s = '';
  for (let i = 0; i < 7; i++) s += A[rng.int(0, 61)];
  return s;
}

export function followUpPeople(org: Organisation): ExamplePerson[] {
  return org.people.filter((p) => p.case === 'regular' && p.hireDate <= '2025-12-01');
}

interface Outcome {
  person: ExamplePerson;
  sentAt: number;
  status: 'Email Sent' | 'Email Opened' | 'Clicked Link' | 'Submitted Data' | 'Error Sending Email';
  /** The first click (the failure's time), when it failed. */
  clickedAt?: number;
  modifiedAt: number;
}

export function writePhishingFollowUp(org: Organisation, seed: number, outDir: string): Record<string, number> {
  const rng = mulberry32((seed ^ 0x0f011014) >>> 0);
  const R = followUpPeople(org);
  if (R.length < 60) return {};
  const bytes: Record<string, number> = {};
  const outcomes = (launchedAt: number, from: number, to: number, failed: Map<number, 'Clicked Link' | 'Submitted Data'>, bounced: Set<number>): Outcome[] =>
    R.slice(from, to).map((person, k) => {
      const i = from + k;
      const sentAt = launchedAt + Math.floor(k / 20) * MINUTE_MS + rng.int(0, 59) * 1000;
      const f = failed.get(i);
      if (bounced.has(i)) return { person, sentAt, status: 'Error Sending Email', modifiedAt: sentAt };
      if (f) {
        const clickedAt = sentAt + rng.int(3, 240) * MINUTE_MS;
        return { person, sentAt, status: f, clickedAt, modifiedAt: clickedAt + (f === 'Submitted Data' ? rng.int(1, 5) * MINUTE_MS : 0) };
      }
      const opened = rng.chance(0.4);
      return { person, sentAt, status: opened ? 'Email Opened' : 'Email Sent', modifiedAt: opened ? sentAt + rng.int(5, 600) * MINUTE_MS : sentAt };
    });
  const dec = outcomes(DECEMBER.launchedAt, 0, 40, new Map([[20, 'Clicked Link'], [21, 'Submitted Data'], [22, 'Clicked Link'], [0, 'Clicked Link'], [1, 'Clicked Link'], [2, 'Submitted Data'], [3, 'Clicked Link'], [4, 'Clicked Link']]), new Set([39]));
  const feb = outcomes(FEBRUARY.launchedAt, 20, 60, new Map([[20, 'Clicked Link'], [21, 'Clicked Link'], [22, 'Submitted Data'], [40, 'Clicked Link'], [41, 'Clicked Link'], [42, 'Clicked Link']]), new Set());

  // December: the API's campaign object, with its timeline (the failure's time is its first click).
  const timeline: Record<string, unknown>[] = [{ campaign_id: 31, email: '', time: goTime(DECEMBER.launchedAt - HOUR_MS), message: 'Campaign Created', details: '' }];
  for (const o of dec) {
    timeline.push({ campaign_id: 31, email: o.person.email, time: goTime(o.sentAt), message: o.status === 'Error Sending Email' ? 'Error Sending Email' : 'Email Sent', details: '' });
    if (o.clickedAt !== undefined) {
      timeline.push({ campaign_id: 31, email: o.person.email, time: goTime(o.clickedAt - 2 * MINUTE_MS), message: 'Email Opened', details: '{"browser":{}}' });
      timeline.push({ campaign_id: 31, email: o.person.email, time: goTime(o.clickedAt), message: 'Clicked Link', details: '{"payload":{"rid":["x"]}}' });
      if (o.status === 'Submitted Data') timeline.push({ campaign_id: 31, email: o.person.email, time: goTime(o.modifiedAt), message: 'Submitted Data', details: '{"payload":{}}' });
    }
  }
  timeline.sort((a, b) => (String(a.time) < String(b.time) ? -1 : String(a.time) > String(b.time) ? 1 : 0));
  const campaign = {
    id: 31,
    name: DECEMBER.name,
    created_date: goTime(DECEMBER.launchedAt - HOUR_MS),
    launch_date: goTime(DECEMBER.launchedAt),
    send_by_date: '0001-01-01T00:00:00Z',
    completed_date: goTime(DECEMBER.launchedAt + 14 * DAY_MS),
    status: 'Completed',
    results: dec.map((o) => ({
      id: rid(rng), status: o.status, ip: o.clickedAt ? '203.0.113.44' : '', latitude: 0, longitude: 0, send_date: goTime(o.sentAt),
      // modified_date is the last status change: later than the click for a submission.
      reported: false, modified_date: goTime(o.modifiedAt), email: o.person.email, first_name: o.person.givenKanji, last_name: o.person.familyKanji, position: o.person.department,
    })),
    timeline,
  };
  const json = `${JSON.stringify(campaign, null, 2)}\n`;
  writeFileSync(join(outDir, FOLLOW_UP_FILES.december), json);
  bytes[FOLLOW_UP_FILES.december] = Buffer.byteLength(json);

  // February: the results CSV (the failure's time is modified_date).
  const csv = new FileSink(join(outDir, FOLLOW_UP_FILES.february), 'utf8');
  csv.write(csvLine(GOPHISH_HEADERS));
  for (const o of feb) {
    csv.write(csvLine([rid(rng), o.status, o.clickedAt ? '203.0.113.45' : '', '0', '0', goTime(o.sentAt), 'false', goTime(o.clickedAt ?? o.modifiedAt), o.person.email, o.person.givenKanji, o.person.familyKanji, o.person.department]));
  }
  csv.close();
  bytes[FOLLOW_UP_FILES.february] = csv.bytes;

  // The remedial course's completions, days after each failure (see the file's comment).
  const failedAt = (list: Outcome[], i: number) => list.find((o) => o.person === R[i])!.clickedAt!;
  const completions: [number, number][] = [
    [0, failedAt(dec, 0) + 3 * DAY_MS], [1, failedAt(dec, 1) + 3 * DAY_MS], [2, failedAt(dec, 2) + 3 * DAY_MS],
    [20, failedAt(dec, 20) + 3 * DAY_MS], [21, failedAt(dec, 21) + 3 * DAY_MS], [22, failedAt(dec, 22) + 14 * DAY_MS],
    [3, failedAt(dec, 3) + 20 * DAY_MS],
    [21, failedAt(feb, 21) + 5 * DAY_MS], [22, failedAt(feb, 22) + 13 * DAY_MS], [40, failedAt(feb, 40) + 1 * DAY_MS], [41, failedAt(feb, 41) + 30 * DAY_MS],
  ];
  const lms = new FileSink(join(outDir, FOLLOW_UP_FILES.lms), 'utf8-bom');
  lms.write(csvLine(['email', 'course', 'completed']));
  for (const [i, ms] of completions.sort((a, b) => a[1] - b[1])) lms.write(csvLine([R[i]!.email, FOLLOW_UP_COURSE, jstIso(ms)]));
  lms.close();
  bytes[FOLLOW_UP_FILES.lms] = lms.bytes;
  return bytes;
}
