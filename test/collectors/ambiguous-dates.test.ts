/**
 * Ambiguous slash dates (issue 12, item 6): without a `dateFormat`, `01/02/2026` is 1 February in
 * London and January 2 in New York, so a slash date whose day and month are both ≤ 12 (and
 * differ) is rejected with advice; one whose day is over 12 reads either way round; ISO,
 * yyyy/MM/dd, month names and Japanese dates are unchanged. Expected values by hand.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { hrCollector } from '../../src/collectors/hr/collector.ts';
import { parseDate, parseTimestamp } from '../../src/collectors/time.ts';
import { collectAll, sourceOf, testContext } from './context.ts';

const NY = { zone: 'America/New_York' };
const TOKYO = { zone: 'Asia/Tokyo' };

describe('without dateFormat', () => {
  it.each([
    ['01/02/2026', 'ambiguous date "01/02/2026": 1 February or 2 January 2026'],
    ['12/11/2026', 'ambiguous date "12/11/2026": 12 November or 11 December 2026'],
    ['3/4/26', 'ambiguous date "3/4/26": 3 April or 4 March 2026'],
  ])('%s is rejected, with the advice to set dateFormat', (text, start) => {
    const r = parseDate(text, NY);
    expect(r).toEqual({ ok: false, error: `${start}; set the source's dateFormat (e.g. dd/MM/yyyy or MM/dd/yyyy)` });
  });

  it('a timestamp too: Moodle short form 09/11/26, 10:48', () => {
    expect(parseTimestamp('09/11/26, 10:48', TOKYO)).toEqual({
      ok: false,
      error: `ambiguous timestamp "09/11/26, 10:48": 9 November or 11 September 2026; set the source's dateFormat (e.g. dd/MM/yyyy or MM/dd/yyyy)`,
    });
  });

  it.each([
    ['13/01/2026', '2026-01-13'], // day over 12: day first
    ['01/13/2026', '2026-01-13'], // day over 12: month first (US)
    ['31/12/25', '2025-12-31'],
    ['05/05/2026', '2026-05-05'], // the same date either way
    ['2026/01/02', '2026-01-02'], // year first is never ambiguous
    ['2026-01-02', '2026-01-02'],
    ['1 February 2026', '2026-02-01'],
    ['February 1, 2026', '2026-02-01'],
    ['2026年1月2日', '2026-01-02'],
  ])('%s reads as %s', (text, date) => {
    expect(parseDate(text, NY)).toEqual({ ok: true, value: date });
  });

  it.each([['00/01/2026'], ['13/13/2026'], ['32/01/2026'], ['01/32/2026']])('%s is unreadable', (text) => {
    expect(parseDate(text, NY)).toMatchObject({ ok: false, error: expect.stringContaining(`unreadable date "${text}"`) });
  });

  it('07/15/25, 09:30 (US) is 15 July 2025 09:30 in the zone', () => {
    expect(parseTimestamp('07/15/25, 09:30', TOKYO)).toEqual({ ok: true, value: '2025-07-15T09:30:00.000+09:00' });
  });
});

describe('with dateFormat', () => {
  it.each([
    ['01/02/2026', 'dd/MM/yyyy', '2026-02-01'],
    ['01/02/2026', 'MM/dd/yyyy', '2026-01-02'],
    ['1/2/2026', 'M/d/yyyy', '2026-01-02'],
  ])('%s with %s is %s', (text, format, date) => {
    expect(parseDate(text, { ...NY, format })).toEqual({ ok: true, value: date });
  });

  it('dd/MM/yy, HH:mm (Moodle in English) reads two-digit years as Luxon does (61–99 → 19xx)', () => {
    const format = 'dd/MM/yy, HH:mm';
    expect(parseTimestamp('09/11/26, 10:48', { ...TOKYO, format })).toEqual({ ok: true, value: '2026-11-09T10:48:00.000+09:00' });
    expect(parseTimestamp('09/11/75, 10:48', { ...TOKYO, format })).toEqual({ ok: true, value: '1975-11-09T10:48:00.000+09:00' });
    // The same as Luxon's own reading of the format.
    expect(DateTime.fromFormat('09/11/75, 10:48', format, { zone: 'Asia/Tokyo' }).toISO()).toBe('1975-11-09T10:48:00.000+09:00');
    expect(DateTime.fromFormat('09/11/60, 10:48', format, { zone: 'Asia/Tokyo' }).year).toBe(2060);
    expect(parseTimestamp('09/11/60, 10:48', { ...TOKYO, format })).toEqual({ ok: true, value: '2060-11-09T10:48:00.000+09:00' });
  });
});

describe('the HR collector in a New York organisation', () => {
  const csv = 'employee_id,email,status,leave_date\nE1,a@example.com,left,01/02/2026\nE2,b@example.com,left,13/01/2026\nE3,c@example.com,left,2026-01-02\n';

  it('rejects the ambiguous leave date with its line, field and advice, and reads the others', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dates-'));
    writeFileSync(path.join(dir, 'hr.csv'), csv);
    const t = testContext({ baseDir: dir, timeZone: 'America/New_York' });
    const records = await collectAll(hrCollector, sourceOf({ kind: 'hr-roster', path: 'hr.csv', columns: { leaveDate: 'leave_date' } }), t.ctx);
    expect(records.map((r) => [r.data.employeeId, r.data.leaveDate])).toEqual([
      ['E2', '2026-01-13'],
      ['E3', '2026-01-02'],
    ]);
    expect(t.rejections).toEqual([
      { file: path.join(dir, 'hr.csv'), line: 2, field: 'leaveDate', reason: expect.stringMatching(/^leaveDate: ambiguous date "01\/02\/2026": 1 February or 2 January 2026; set the source's dateFormat/) },
    ]);
  });

  it('with dateFormat MM/dd/yyyy every row reads, the ISO one included', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dates-'));
    writeFileSync(path.join(dir, 'hr.csv'), csv.replace('13/01/2026', '01/13/2026'));
    const t = testContext({ baseDir: dir, timeZone: 'America/New_York' });
    const records = await collectAll(hrCollector, sourceOf({ kind: 'hr-roster', path: 'hr.csv', columns: { leaveDate: 'leave_date' }, dateFormat: 'MM/dd/yyyy' }), t.ctx);
    expect(records.map((r) => [r.data.employeeId, r.data.leaveDate])).toEqual([
      ['E1', '2026-01-02'],
      ['E2', '2026-01-13'],
      ['E3', '2026-01-02'],
    ]);
    expect(t.rejections).toEqual([]);
  });
});
