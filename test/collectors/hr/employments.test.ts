/** Keys of the employments of one roster (issue 12, item 1): by hand from employments.ts's rules. */
import { describe, expect, it } from 'vitest';
import { keyEmployments, type EmploymentRow } from '../../../src/collectors/hr/employments.ts';
import type { PersonRecord } from '../../../src/evidence/records.ts';

const row = (line: number, key: string, data: Omit<PersonRecord, 'employeeId'> = {}): EmploymentRow => ({ line, key, data: { employeeId: key, ...data } });

function keys(rows: EmploymentRow[]): { keys: [number, string][]; duplicates: [number, number][] } {
  const duplicates: [number, number][] = [];
  const out = keyEmployments(rows, (r, first) => duplicates.push([r.line, first]));
  // Records come out in file order; pair each with its line through its data object.
  return { keys: out.map((k) => [rows.find((r) => r.data === k.data)!.line, k.key]), duplicates };
}

const S = '\u001f';

describe('keyEmployments', () => {
  const cases: { name: string; rows: EmploymentRow[]; keys: [number, string][]; duplicates?: [number, number][] }[] = [
    { name: 'one row per person: the bare key', rows: [row(2, 'E1'), row(3, 'E2')], keys: [[2, 'E1'], [3, 'E2']] },
    {
      name: 'left then re-hired: the earlier employment keeps the bare key, in either row order',
      rows: [row(2, 'E1', { hireDate: '2026-03-01' }), row(3, 'E1', { hireDate: '2020-04-01', leaveDate: '2026-02-01' })],
      keys: [[2, `E1${S}hired 2026-03-01`], [3, 'E1']],
    },
    {
      name: 'no hire date sorts first; a second undated employment is told apart by its leave date',
      rows: [row(2, 'E1', { leaveDate: '2024-01-31' }), row(3, 'E1', { leaveDate: '2026-01-31' }), row(4, 'E1', { hireDate: '2026-03-01' })],
      keys: [[2, 'E1'], [3, `E1${S}left 2026-01-31`], [4, `E1${S}hired 2026-03-01`]],
    },
    {
      name: 'overlapping employments with different hire dates are both kept',
      rows: [row(2, 'E3', { hireDate: '2020-04-01', leaveDate: '2026-08-31' }), row(3, 'E3', { hireDate: '2026-06-01' })],
      keys: [[2, 'E3'], [3, `E3${S}hired 2026-06-01`]],
    },
    {
      name: 'the same hire date twice is one employment written twice: the row further down is rejected',
      rows: [row(2, 'E5', { hireDate: '2021-04-01', leaveDate: '2026-01-31' }), row(3, 'E9'), row(4, 'E5', { hireDate: '2021-04-01' })],
      // Sorted, line 4 (no leave date) comes after line 2; line 4 is the repeat.
      keys: [[2, 'E5'], [3, 'E9']],
      duplicates: [[4, 2]],
    },
    {
      name: '… also when the row further down sorts first (an earlier leave date)',
      rows: [row(2, 'E5', { hireDate: '2021-04-01' }), row(3, 'E5', { hireDate: '2021-04-01', leaveDate: '2026-01-31' })],
      keys: [[2, 'E5']],
      duplicates: [[3, 2]],
    },
    {
      name: 'rows keyed by email (no employee id) follow the same rules',
      rows: [
        { line: 2, key: 'k@example.co.jp', data: { email: 'k@example.co.jp', leaveDate: '2025-03-31' } },
        { line: 3, key: 'k@example.co.jp', data: { email: 'k@example.co.jp', hireDate: '2025-10-01' } },
      ],
      keys: [[2, 'k@example.co.jp'], [3, `k@example.co.jp${S}hired 2025-10-01`]],
    },
  ];
  it.each(cases)('$name', ({ rows, keys: want, duplicates = [] }) => {
    expect(keys(rows)).toEqual({ keys: want, duplicates });
  });
});
