import { describe, expect, it } from 'vitest';
import { CATALOGUE, LANGUAGES, messages } from '../../src/i18n/catalogue.ts';

/** Every key path of a texts object, with the kind of value there. */
function shape(o: unknown, prefix = ''): string[] {
  if (o === null || typeof o !== 'object') return [`${prefix}:${typeof o}`];
  return Object.keys(o as object)
    .sort()
    .flatMap((k) => shape((o as Record<string, unknown>)[k], prefix ? `${prefix}.${k}` : k));
}

describe('the message catalogue', () => {
  for (const [area, texts] of Object.entries(CATALOGUE)) {
    it(`${area}: every language has exactly the keys of English, none empty`, () => {
      const en = shape(texts.en);
      for (const lang of LANGUAGES) {
        const t = (texts as unknown as Record<string, unknown>)[lang];
        expect(t, `${area} has no ${lang} texts`).toBeDefined();
        expect(shape(t)).toEqual(en);
        for (const path of shape(t)) expect(path.endsWith(':string') || path.endsWith(':function') || path.endsWith(':object'), path).toBe(true);
      }
    });
  }

  it('gives Japanese statuses and units', () => {
    const ja = messages('ja');
    expect([ja.common.status.met, ja.common.status.at_risk, ja.common.status.missed, ja.common.status.no_data]).toEqual(['達成', '注意', '未達', 'データなし']);
    expect(ja.common.days(3)).toBe('3日');
    expect(messages('en').common.days(1)).toBe('1 day');
  });
});
