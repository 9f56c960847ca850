import { describe, expect, it } from 'vitest';
import { reasonText } from '../../src/i18n/reasons.ts';
import { reason } from '../../src/kpi/reason.ts';

describe('failing-subject reasons in the organisation language', () => {
  it('keeps the English text KPIs gave before reason codes (scripts read `reason`)', () => {
    expect(reason('staleStillEnabled', { kind: 'leaver', daysOverdue: 4 }).reason).toBe("leaver's account still enabled, 4 day(s) past its deadline");
    expect(reason('staleDisabledLate', { kind: 'dormant', daysOverdue: 1 }).reason).toBe('dormant account disabled 1 day(s) after its deadline');
    expect(reason('trainingMissing', { courses: ['A', 'B'], anyOf: ['X', 'Y'], anyCourse: false }).reason).toBe('missing A; B; one of: X, Y');
    expect(reason('incidentNotReported', { lateHours: 27, slaHours: 24 }).reason).toBe('not reported, 27 h past the 24 h SLA');
    expect(reason('passwordTooOld', { ageDays: 400, maxAgeDays: 365 }).reason).toBe('password 400 days old (max 365)');
    expect(reason('mailUnencrypted', { attachments: ['a.docx (x)', 'b.pdf (y)'] }).reason).toBe('2 unencrypted attachments sent outside: a.docx (x), b.pdf (y)');
    expect(reason('phishingClicked')).toEqual({ reason: 'clicked the link', reasonCode: 'phishingClicked' });
  });

  it('renders Japanese from the code, with 日 and 時間 rather than day(s) and h', () => {
    expect(reasonText(reason('staleStillEnabled', { kind: 'leaver', daysOverdue: 4 }), 'ja')).toBe('退職者のアカウントが有効のまま（期限から4日超過）');
    expect(reasonText(reason('incidentReportedLate', { lateHours: 6, slaHours: 24 }), 'ja')).toBe('報告がSLA 24時間から6時間遅延');
    expect(reasonText(reason('leaverActivity', { count: 2, staleSince: '2026-11-01T00:00:00.000+09:00', last: '2026-11-10T09:30:00.000+09:00' }), 'ja'))
      .toBe('所有者の失効日時 2026-11-01 00:00 以降に認証成功2回（最終 2026-11-10 09:30）');
    expect(reasonText(reason('mfaNotEnrolled'), 'en')).toBe('no MFA enrolled');
  });

  it('a subject without a code (or with a code this build does not know) shows its text as given', () => {
    expect(reasonText({ reason: 'scanner says so' }, 'ja')).toBe('scanner says so');
    expect(reasonText({ reason: 'newer', reasonCode: 'fromANewerBuild' }, 'ja')).toBe('newer');
  });
});
