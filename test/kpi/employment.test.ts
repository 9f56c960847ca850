import { describe, expect, it } from 'vitest';
import type { PersonRecord, Versioned } from '../../src/evidence/records.ts';
import { employmentAt, notEmployedAt } from '../../src/kpi/employment.ts';
import { IdentityIndex } from '../../src/kpi/identity.ts';
import { hr, identity, TOKYO, versioned } from './helpers.ts';

const rules = { zone: 'Asia/Tokyo', leftStatuses: { hr: ['退職', 'left'] } };

function emp(records: Versioned<PersonRecord>[], at: string) {
  const idx = new IdentityIndex(records, identity(), TOKYO);
  expect(idx.people).toHaveLength(1);
  return employmentAt(idx.people[0]!, Date.parse(at), rules);
}

describe('employmentAt', () => {
  // Leave date 2026-04-10 (JST) → stale from 2026-04-11T00:00+09:00 = 2026-04-10T15:00Z.
  const rows: { name: string; records: Versioned<PersonRecord>[]; at: string; state: string; staleSince?: string }[] = [
    { name: 'active through the last ms of the leave date (JST)', records: [hr({ employeeId: 'E1', leaveDate: '2026-04-10' })], at: '2026-04-10T14:59:59.999Z', state: 'active' },
    { name: 'a leaver from the start of the next day (JST)', records: [hr({ employeeId: 'E1', leaveDate: '2026-04-10' })], at: '2026-04-10T15:00:00Z', state: 'left', staleSince: '2026-04-10T15:00:00Z' },
    { name: 'not yet hired', records: [hr({ employeeId: 'E1', hireDate: '2026-06-01' })], at: '2026-05-31T14:59:59Z', state: 'future' },
    { name: 'hired from the start of the hire day (JST)', records: [hr({ employeeId: 'E1', hireDate: '2026-06-01' })], at: '2026-05-31T15:00:00Z', state: 'active' },
    {
      name: 'left status without a date: stale from the first observation that saw it',
      records: [
        versioned('hr', 'E1', [
          ['2026-01-01T00:00:00Z', { employeeId: 'E1', status: '在籍' }],
          ['2026-04-05T00:00:00Z', { employeeId: 'E1', status: '退職' }],
          ['2026-04-06T00:00:00Z', { employeeId: 'E1', status: '退職', department: 'x' }],
        ]),
      ],
      at: '2026-05-01T00:00:00Z',
      state: 'left',
      staleSince: '2026-04-05T00:00:00Z',
    },
    {
      name: 'removed from the roster without a leave date: stale from the first observation lacking it',
      records: [versioned('hr', 'E1', [['2026-01-01T00:00:00Z', { employeeId: 'E1' }], ['2026-04-07T00:00:00Z', null]])],
      at: '2026-05-01T00:00:00Z',
      state: 'left',
      staleSince: '2026-04-07T00:00:00Z',
    },
    {
      name: 'removed from the roster after its leave date: the leave date decides',
      records: [versioned('hr', 'E1', [['2026-01-01T00:00:00Z', { employeeId: 'E1', leaveDate: '2026-03-31' }], ['2026-04-07T00:00:00Z', null]])],
      at: '2026-05-01T00:00:00Z',
      state: 'left',
      staleSince: '2026-03-31T15:00:00Z',
    },
    {
      name: 're-hired: the record covering T wins',
      records: [hr({ employeeId: 'E100', email: 'm@example.co.jp', leaveDate: '2025-03-31' }), hr({ employeeId: 'E250', email: 'm@example.co.jp', hireDate: '2026-04-01' })],
      at: '2026-05-01T00:00:00Z',
      state: 'active',
    },
    {
      name: 're-hire not started yet: a leaver since the last departure',
      records: [hr({ employeeId: 'E100', email: 'm@example.co.jp', leaveDate: '2025-03-31' }), hr({ employeeId: 'E250', email: 'm@example.co.jp', hireDate: '2026-04-01' })],
      at: '2026-03-01T00:00:00Z',
      state: 'left',
      staleSince: '2025-03-31T15:00:00Z',
    },
    {
      name: 'left twice: stale since the latest departure',
      records: [
        hr({ employeeId: 'E100', email: 'm@example.co.jp', leaveDate: '2024-03-31' }),
        hr({ employeeId: 'E250', email: 'm@example.co.jp', hireDate: '2025-04-01', leaveDate: '2026-03-31' }),
      ],
      at: '2026-05-01T00:00:00Z',
      state: 'left',
      staleSince: '2026-03-31T15:00:00Z',
    },
  ];
  it.each(rows)('$name', ({ records, at, state, staleSince }) => {
    const e = emp(records, at);
    expect(e.state).toBe(state);
    expect(e.staleSinceMs).toBe(staleSince === undefined ? undefined : Date.parse(staleSince));
  });

  it('takes department and hire date from the covering record', () => {
    const e = emp(
      [hr({ employeeId: 'E100', email: 'm@example.co.jp', department: 'Old', leaveDate: '2025-03-31' }), hr({ employeeId: 'E250', email: 'm@example.co.jp', department: 'New', hireDate: '2026-04-01' })],
      '2026-05-01T00:00:00Z',
    );
    expect(e.department).toBe('New');
    expect(e.hireMs).toBe(Date.parse('2026-03-31T15:00:00Z'));
  });
});

describe('notEmployedAt: the intervals between a departure and the next hire', () => {
  // JST: a leave date D ends at the start of D+1 (D+1 00:00+09:00 = D 15:00Z); a hire date H
  // starts at H 00:00+09:00 = (H-1) 15:00Z.
  const rows: { name: string; records: Versioned<PersonRecord>[]; at: string; gaps: [string, string | null][] }[] = [
    { name: 'employed throughout', records: [hr({ employeeId: 'E1', hireDate: '2020-04-01' })], at: '2026-05-01T00:00:00Z', gaps: [] },
    { name: 'a leaver: from the departure on', records: [hr({ employeeId: 'E1', leaveDate: '2026-04-10' })], at: '2026-05-01T00:00:00Z', gaps: [['2026-04-10T15:00:00Z', null]] },
    { name: 'a leave date after T is not a departure yet', records: [hr({ employeeId: 'E1', leaveDate: '2026-06-30' })], at: '2026-05-01T00:00:00Z', gaps: [] },
    {
      name: 'left, re-hired (same id, two records), left again',
      records: [
        versioned('hr', 'E1', [['2025-01-01T00:00:00Z', { employeeId: 'E1', hireDate: '2019-04-01', leaveDate: '2025-03-31' }]]),
        versioned('hr', 'E1\u001fhired 2025-10-01', [['2025-09-01T00:00:00Z', { employeeId: 'E1', hireDate: '2025-10-01', leaveDate: '2026-03-31' }]]),
      ],
      at: '2026-05-01T00:00:00Z',
      gaps: [['2025-03-31T15:00:00Z', '2025-09-30T15:00:00Z'], ['2026-03-31T15:00:00Z', null]],
    },
    {
      name: 'overlapping employments leave no gap',
      records: [hr({ employeeId: 'E3', hireDate: '2020-04-01', leaveDate: '2026-08-31' }), hr({ employeeId: 'E3', hireDate: '2026-06-01' }, 'hr2')],
      at: '2026-11-01T00:00:00Z',
      gaps: [],
    },
    {
      name: 'a re-hire that has not started: the gap ends at its start',
      records: [hr({ employeeId: 'E1', leaveDate: '2026-04-10' }), hr({ employeeId: 'E1', hireDate: '2026-06-01' }, 'hr2')],
      at: '2026-05-01T00:00:00Z',
      gaps: [['2026-04-10T15:00:00Z', '2026-05-31T15:00:00Z']],
    },
  ];
  it.each(rows)('$name', ({ records, at, gaps }) => {
    const idx = new IdentityIndex(records, identity(), TOKYO);
    expect(idx.people).toHaveLength(1);
    const got = notEmployedAt(idx.people[0]!, Date.parse(at), rules).map((g) => [new Date(g.fromMs).toISOString().replace('.000', ''), g.toMs === Infinity ? null : new Date(g.toMs).toISOString().replace('.000', '')]);
    expect(got).toEqual(gaps);
  });
});
