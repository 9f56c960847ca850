import { describe, expect, it } from 'vitest';
import { closest, didYouMean, editDistance } from '../src/did-you-mean.ts';

describe('did you mean', () => {
  it.each([
    ['fiscalYearStartMonh', 'fiscalYearStartMonth', 1], // one letter left out
    ['objectves', 'objectives', 1],
    ['warnng', 'warning', 1],
    ['gracedays', 'graceDays', 0], // case only
    ['taget', 'target', 1],
    ['tagret', 'target', 1], // a swap of neighbours is one edit
    ['abc', 'abd', 1],
    ['', 'abc', 3],
  ])('distance(%s, %s) = %i', (a, b, d) => expect(editDistance(a, b)).toBe(d));

  it('proposes the closest known name only when it is a near miss', () => {
    const keys = ['name', 'timeZone', 'fiscalYearStartMonth', 'internalDomains', 'defaultLoginDomain', 'language'];
    expect(closest('fiscalYearStartMonh', keys)).toBe('fiscalYearStartMonth');
    expect(closest('timezone', keys)).toBe('timeZone');
    expect(closest('colour', keys)).toBeUndefined();
    expect(didYouMean('langage', keys)).toBe(' (did you mean "language"?)');
    expect(didYouMean('xyz', keys)).toBe('');
  });
});
