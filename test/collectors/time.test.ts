import { describe, expect, it } from 'vitest';
import { parseDate, parseTimestamp } from '../../src/collectors/time.ts';

const tokyo = { zone: 'Asia/Tokyo' };

describe('parseTimestamp', () => {
  it.each([
    // ISO with a zone keeps its offset; without one it is read in the given zone.
    ['2026-07-15T09:30:00Z', tokyo, '2026-07-15T09:30:00.000Z'],
    ['2026-07-15T09:30:00.123456+05:30', tokyo, '2026-07-15T09:30:00.123+05:30'],
    ['2026-07-15T09:30:00+0900', tokyo, '2026-07-15T09:30:00.000+09:00'],
    ['2026-07-15T09:30:00.250+00:00', tokyo, '2026-07-15T09:30:00.250Z'],
    ['2026-07-15T09:30:00.250-03:30', tokyo, '2026-07-15T09:30:00.250-03:30'],
    ['2026-07-15T09:30:00', tokyo, '2026-07-15T09:30:00.000+09:00'],
    ['2026-07-15 09:30', tokyo, '2026-07-15T09:30:00.000+09:00'],
    ['2026-07-15', tokyo, '2026-07-15T00:00:00.000+09:00'],
    ['2026/07/15', tokyo, '2026-07-15T00:00:00.000+09:00'],
    ['2026/7/5 9:30', tokyo, '2026-07-05T09:30:00.000+09:00'],
    ['2026/07/15 13:05:09 UTC', tokyo, '2026-07-15T13:05:09.000Z'],
    ['2026-01-15 09:30', { zone: 'Europe/London' }, '2026-01-15T09:30:00.000Z'],
    ['2026-07-15 09:30', { zone: 'Europe/London' }, '2026-07-15T09:30:00.000+01:00'],
    // 02:30 does not exist on 8 March 2026 in New York (clocks jump 02:00 → 03:00).
    ['2026-03-08 02:30', { zone: 'America/New_York' }, '2026-03-08T03:30:00.000-04:00'],
    ['2026-03-08 01:59', { zone: 'America/New_York' }, '2026-03-08T01:59:00.000-05:00'],
    ['2026-03-08 03:00', { zone: 'America/New_York' }, '2026-03-08T03:00:00.000-04:00'],
    // Lord Howe Island moves its clocks by 30 minutes at 02:00: 02:00–02:29 do not exist.
    ['2026-10-04 02:15', { zone: 'Australia/Lord_Howe' }, '2026-10-04T02:45:00.000+11:00'],
    ['2026-10-04 02:45', { zone: 'Australia/Lord_Howe' }, '2026-10-04T02:45:00.000+11:00'],
    ['2026-10-04 01:45', { zone: 'Australia/Lord_Howe' }, '2026-10-04T01:45:00.000+10:30'],
    // 1 784 073 600 000 ms = 2026-07-15T00:00:00Z.
    ['1784073600000', { zone: 'UTC' }, '2026-07-15T00:00:00.000Z'],
    ['1784073600000', tokyo, '2026-07-15T09:00:00.000+09:00'],
    ['1784073600', { zone: 'UTC' }, '2026-07-15T00:00:00.000Z'],
    // Moodle (English): strftimedaydatetime and strftimedatetimeshort (day first).
    ['Tuesday, 15 July 2025, 9:30 AM', tokyo, '2025-07-15T09:30:00.000+09:00'],
    ['Tuesday, 15 July 2025, 12:10 PM', tokyo, '2025-07-15T12:10:00.000+09:00'],
    ['Tuesday, 15 July 2025, 12:10 AM', tokyo, '2025-07-15T00:10:00.000+09:00'],
    ['15/07/25, 09:30', tokyo, '2025-07-15T09:30:00.000+09:00'],
    ['15/07/2025 21:30', tokyo, '2025-07-15T21:30:00.000+09:00'],
    ['July 15, 2025, 9:30 PM', tokyo, '2025-07-15T21:30:00.000+09:00'],
    ['2026年7月15日 9:30', tokyo, '2026-07-15T09:30:00.000+09:00'],
    ['2026年7月15日(水) 18時05分', tokyo, '2026-07-15T18:05:00.000+09:00'],
    // Moodle (Japanese): strftimedaydatetime.
    ['2026年 07月 15日(水曜日) 09:30', tokyo, '2026-07-15T09:30:00.000+09:00'],
    // An explicit Luxon format.
    ['15.07.2026 09:30', { zone: 'Europe/Berlin', format: 'dd.MM.yyyy HH:mm' }, '2026-07-15T09:30:00.000+02:00'],
    ['15.01.2026 09:30', { zone: 'Europe/Berlin', format: 'dd.MM.yyyy HH:mm' }, '2026-01-15T09:30:00.000+01:00'],
    ['2026/02/14 10:00', { zone: 'Asia/Tokyo', format: 'yyyy/MM/dd HH:mm' }, '2026-02-14T10:00:00.000+09:00'],
    ['2026/02/14 10:00', { zone: 'UTC', format: 'yyyy/MM/dd HH:mm' }, '2026-02-14T10:00:00.000Z'],
    // A configured format in a DST gap moves forward like the wall clock (02:30 → 03:30 EDT).
    ['2026/03/08 02:30', { zone: 'America/New_York', format: 'yyyy/MM/dd HH:mm' }, '2026-03-08T03:30:00.000-04:00'],
    // Canonical API timestamps in a leap year's 29 February and at the largest offsets.
    ['2024-02-29T23:59:59.999+14:00', tokyo, '2024-02-29T23:59:59.999+14:00'],
    ['2024-02-29T00:00:00.000-12:00', tokyo, '2024-02-29T00:00:00.000-12:00'],
  ])('%s in %o → %s', (text, opts, expected) => {
    expect(parseTimestamp(text, opts)).toEqual({ ok: true, value: expected });
  });

  it.each(['', 'yesterday', '2026-02-30', '2100-02-29T00:00:00.000Z', '2026-07-15T09:30:00.000+18:01', '2026-07-15T09:60:00.000Z', '2026-02-30T00:00:00.000Z', '2026-07-15T24:00:00.000Z', '2026-13-01', '2026-07-15 24:00', '31/02/26, 09:00', '2026-07-15T09:30:00+25:00', '13:00 PM 2026-01-01'])(
    'rejects %j with a reason',
    (text) => {
      const r = parseTimestamp(text, tokyo);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(text === '' ? /empty/ : new RegExp(`"${text.replace(/[()+.]/g, '\\$&')}"`));
    },
  );
});

describe('parseDate', () => {
  it.each([
    ['2026-07-15', tokyo, '2026-07-15'],
    ['2026/7/5', tokyo, '2026-07-05'],
    ['2026年4月1日', tokyo, '2026-04-01'],
    ['1 April 2026', tokyo, '2026-04-01'],
    ['2026-07-15 23:59', tokyo, '2026-07-15'],
    // An instant with an offset is the date it is in the zone: 15:00Z is midnight on 1 April in Tokyo.
    ['2026-03-31T15:00:00Z', tokyo, '2026-04-01'],
    ['2026-03-31T14:59:59Z', tokyo, '2026-03-31'],
    ['07/15/2026', { zone: 'UTC', format: 'MM/dd/yyyy' }, '2026-07-15'],
    ['2026/04/01', { zone: 'Asia/Tokyo', format: 'yyyy/MM/dd' }, '2026-04-01'],
    ['2000/02/29', { zone: 'Asia/Tokyo', format: 'yyyy/MM/dd' }, '2000-02-29'],
    // MM wants two digits, so the format does not fit; the built-in yyyy/M/d form reads it.
    ['2026/7/5', { zone: 'Asia/Tokyo', format: 'yyyy/MM/dd' }, '2026-07-05'],
    ['2026年4月1日', { zone: 'Asia/Tokyo', format: 'yyyy年M月d日' }, '2026-04-01'],
  ])('%s → %s', (text, opts, expected) => {
    expect(parseDate(text, opts)).toEqual({ ok: true, value: expected });
  });

  it('rejects impossible dates and says which forms it reads', () => {
    expect(parseDate('2026-02-29', tokyo)).toEqual({ ok: false, error: expect.stringContaining('unreadable date "2026-02-29"') });
    expect(parseDate('2024-02-29', tokyo)).toEqual({ ok: true, value: '2024-02-29' });
    // 1900 is not a leap year (divisible by 100, not by 400).
    expect(parseDate('1900/02/29', { zone: 'UTC', format: 'yyyy/MM/dd' })).toEqual({ ok: false, error: expect.stringContaining('unreadable date "1900/02/29"') });
    expect(parseDate('2026/04/31', { zone: 'Asia/Tokyo', format: 'yyyy/MM/dd' }).ok).toBe(false);
    const r = parseDate('15.07.2026', { zone: 'UTC', format: 'yyyy/MM/dd' });
    expect(r).toEqual({ ok: false, error: expect.stringContaining('expected yyyy/MM/dd or ISO-8601') });
  });
});
