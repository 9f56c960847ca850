import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { dayAfterStart, dayStart, isoInZone, offsetMinutes, plusDays, toMillis } from '../../src/kpi/time.ts';

describe('calendar arithmetic in a zone', () => {
  const rows: [string, string, string, number, string][] = [
    // [name, zone, from, days, expected] — expected by hand
    ['Tokyo, no DST', 'Asia/Tokyo', '2026-04-10T15:00:00Z', 1, '2026-04-11T15:00:00Z'],
    ['Berlin across the spring change keeps 12:00 local', 'Europe/Berlin', '2026-03-28T11:00:00Z', 1, '2026-03-29T10:00:00Z'],
    ['Berlin across the autumn change keeps 12:00 local', 'Europe/Berlin', '2026-10-24T10:00:00Z', 1, '2026-10-25T11:00:00Z'],
    ['New York, 30 days across DST', 'America/New_York', '2026-03-01T17:00:00Z', 30, '2026-03-31T16:00:00Z'],
    ['UTC, backwards', 'UTC', '2026-03-01T00:00:00Z', -1, '2026-02-28T00:00:00Z'],
  ];
  it.each(rows)('%s', (_n, zone, from, days, expected) => {
    expect(plusDays(Date.parse(from), days, zone)).toBe(Date.parse(expected));
  });

  it('agrees with luxon around every hour of a DST year', () => {
    for (const zone of ['Europe/Berlin', 'America/St_Johns', 'Australia/Lord_Howe', 'Asia/Tokyo']) {
      for (let ms = Date.parse('2026-01-01T00:00:00Z'); ms < Date.parse('2027-01-01T00:00:00Z'); ms += 3_600_000 * 7 + 1_234) {
        const lux = DateTime.fromMillis(ms, { zone });
        expect(isoInZone(ms, zone)).toBe(lux.toISO());
        // Away from the (rare) local times that a DST gap skips, adding a day matches luxon.
        const next = lux.plus({ days: 1 });
        if (next.hour === lux.hour && next.minute === lux.minute) expect(plusDays(ms, 1, zone)).toBe(next.toMillis());
      }
    }
  });

  it('offsets agree with luxon every 15 minutes across odd transitions (a skipped day, 30-minute DST, +2 to 0)', () => {
    const cases: [string, string, string][] = [
      ['Pacific/Apia', '2011-12-28T00:00:00Z', '2012-01-01T00:00:00Z'], // 30 Dec 2011 never happened there
      ['Australia/Lord_Howe', '2026-04-04T00:00:00Z', '2026-04-06T00:00:00Z'], // DST ends by 30 minutes
      ['Antarctica/Troll', '2026-03-28T00:00:00Z', '2026-03-30T00:00:00Z'], // UTC+0 → UTC+2
      ['America/St_Johns', '2026-11-01T00:00:00Z', '2026-11-02T12:00:00Z'], // −2:30 → −3:30
    ];
    for (const [zone, from, to] of cases) {
      for (let ms = Date.parse(from); ms < Date.parse(to); ms += 15 * 60_000) {
        expect(offsetMinutes(ms, zone), `${zone} ${new Date(ms).toISOString()}`).toBe(DateTime.fromMillis(ms, { zone }).offset);
      }
    }
  });

  it('days and zone-less times', () => {
    expect(dayStart('2026-04-10', 'Asia/Tokyo')).toBe(Date.parse('2026-04-09T15:00:00Z'));
    expect(dayAfterStart('2026-04-10', 'Asia/Tokyo')).toBe(Date.parse('2026-04-10T15:00:00Z'));
    expect(toMillis('2026-04-10', 'Asia/Tokyo')).toBe(Date.parse('2026-04-09T15:00:00Z'));
    expect(toMillis('2026-04-10T09:00:00', 'Asia/Tokyo')).toBe(Date.parse('2026-04-10T00:00:00Z'));
    expect(toMillis('2026-04-10T09:00:00+09:00', 'UTC')).toBe(Date.parse('2026-04-10T00:00:00Z'));
    expect(toMillis('nonsense', 'UTC')).toBeNaN();
    expect(isoInZone(Date.parse('2026-04-10T15:00:00Z'), 'Asia/Tokyo')).toBe('2026-04-11T00:00:00.000+09:00');
    expect(isoInZone(0, 'UTC')).toBe('1970-01-01T00:00:00.000Z');
  });
});

describe('day starts', () => {
  it('agree with luxon for every day of a year in several zones', () => {
    for (const zone of ['Asia/Tokyo', 'Europe/Berlin', 'America/Santiago', 'America/St_Johns', 'UTC', 'Pacific/Apia']) {
      for (let d = DateTime.fromISO('2026-01-01', { zone: 'UTC' }); d.year === 2026; d = d.plus({ days: 1 })) {
        const iso = d.toISODate()!;
        expect(dayStart(iso, zone)).toBe(DateTime.fromISO(iso, { zone }).startOf('day').toMillis());
      }
    }
  });
  it('an impossible date is NaN', () => {
    expect(dayStart('2026-02-30', 'UTC')).toBeNaN();
  });
});
