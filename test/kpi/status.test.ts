import { describe, expect, it } from 'vitest';
import { ratio, statusOf } from '../../src/kpi/status.ts';
import type { Direction, Status } from '../../src/kpi/types.ts';

describe('statusOf', () => {
  const rows: [number | null, number, Direction, number | undefined, Status][] = [
    [1, 1, 'at_least', undefined, 'met'],
    [0.99, 1, 'at_least', undefined, 'missed'],
    [0.95, 1, 'at_least', 0.95, 'at_risk'],
    [0.94, 1, 'at_least', 0.95, 'missed'],
    [9 / 10, 0.9, 'at_least', undefined, 'met'],
    [0.1, 0.1, 'at_most', undefined, 'met'],
    [0.12, 0.1, 'at_most', 0.15, 'at_risk'],
    [0.15, 0.1, 'at_most', 0.15, 'at_risk'],
    [0.16, 0.1, 'at_most', 0.15, 'missed'],
    [0, 0, 'at_most', undefined, 'met'],
    [1, 0, 'at_most', undefined, 'missed'],
    [null, 1, 'at_least', 0.9, 'no_data'],
    [null, 0, 'at_most', undefined, 'no_data'],
  ];
  it.each(rows)('value %s, target %s %s, warning %s → %s', (value, target, direction, warning, expected) => {
    expect(statusOf(value, target, direction, warning)).toBe(expected);
  });
});

describe('ratio', () => {
  it('is null for an empty population, never 100 %', () => {
    expect(ratio(0, 0)).toBeNull();
    expect(ratio(3, 4)).toBe(0.75);
  });
});
