import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';

const base = `organisation: { name: Org, internalDomains: [example.com] }
objectives:
  - id: mfa
    title: MFA
    kpi: mfa-coverage
    period: month
`;
const issue = (text: string): string => {
  try {
    parseConfig(text, '/etc/isms.yaml');
  } catch (e) {
    return (e as Error).message;
  }
  return 'accepted';
};

describe('ISO/IEC 27004 measurement fields and scheduled reports in the config', () => {
  it('measurement fields are optional text, and strict', () => {
    const ok = parseConfig(`${base}    measurement: { informationNeed: Are accounts protected?, collector: IT, reader: CISO }\n`, '/etc/isms.yaml');
    expect(ok.objectives[0]!.measurement).toEqual({ informationNeed: 'Are accounts protected?', collector: 'IT', reader: 'CISO' });
    // Line 7 (the objective's 6th line + 1), column 20: where informationNeeds begins.
    expect(issue(`${base}    measurement: { informationNeeds: x }\n`)).toMatch(/isms\.yaml:7:20: objectives\[0\]\.measurement\.informationNeeds: unknown field "informationNeeds" \(did you mean "informationNeed"\?\)/);
    expect(issue(`${base}    measurement: { formula: '' }\n`)).toMatch(/objectives\[0\]\.measurement\.formula: expected a text of at least 1/);
  });

  it('a report needs a known period, a valid cron schedule, known formats and a unique id', () => {
    const ok = parseConfig(`${base}reports:\n  - { id: q, period: quarter, schedule: '0 8 1 1,4,7,10 *', format: [pdf, xlsx], outDir: out }\n  - { id: m, period: month, schedule: '0 8 1 * *', outDir: out }\n`, '/etc/isms.yaml');
    expect(ok.reports.map((r) => [r.id, r.format])).toEqual([['q', ['pdf', 'xlsx']], ['m', 'html']]);
    expect(issue(`${base}reports:\n  - { id: q, period: week, schedule: '0 8 * * 1', outDir: out }\n`)).toMatch(/reports\[0\]\.period/);
    expect(issue(`${base}reports:\n  - { id: q, period: month, schedule: 'every monday', outDir: out }\n`)).toMatch(/reports\[0\]\.schedule: expected a cron expression/);
    expect(issue(`${base}reports:\n  - { id: q, period: month, schedule: '0 8 1 * *', format: docx, outDir: out }\n`)).toMatch(/reports\[0\]\.format/);
    expect(issue(`${base}reports:\n  - { id: q, period: month, schedule: '0 8 1 * *', outDir: a }\n  - { id: q, period: quarter, schedule: '0 8 1 * *', outDir: b }\n`)).toMatch(/reports\[1\]\.id: duplicate report id "q"/);
  });
});
