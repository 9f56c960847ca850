/**
 * Why a subject fails an objective, in every language. A KPI gives each failing subject a
 * reason code and its parameters (src/kpi/reason.ts); `reason` keeps the English text (the JSON
 * contract) and people read the text of their language through {@link reasonText}. A subject
 * without a code (a KPI that gives only English) is shown with its `reason` as given.
 */
import { defineTexts, type Language } from './language.ts';

/** `2026-11-10T09:00:00.000+09:00` → `2026-11-10 09:00` (the local time the ISO text carries). */
function local(iso: unknown): string {
  return typeof iso === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(iso) ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : String(iso);
}

type StaleKind = 'leaver' | 'dormant' | 'orphan';

export const reasonTexts = defineTexts({
  en: {
    staleStillEnabled: (p: { kind: StaleKind; daysOverdue: number }) =>
      `${{ leaver: "leaver's account", dormant: 'dormant account', orphan: 'orphan account' }[p.kind]} still enabled, ${p.daysOverdue} day(s) past its deadline`,
    staleDisabledLate: (p: { kind: StaleKind; daysOverdue: number }) =>
      `${{ leaver: "leaver's account", dormant: 'dormant account', orphan: 'orphan account' }[p.kind]} disabled ${p.daysOverdue} day(s) after its deadline`,
    serviceAccount: () => 'service account: outside this KPI',
    orphanNoPerson: () => 'orphan account: no person matches its owner',
    orphanNotDue: () => 'orphan account, not yet past its deadline',
    trainingMissing: (p: { courses: string[]; anyOf: string[]; anyCourse: boolean }) =>
      `missing ${[...p.courses, ...(p.anyOf.length > 0 ? [`one of: ${p.anyOf.join(', ')}`] : []), ...(p.anyCourse ? ['any course'] : [])].join('; ')}`,
    completionUnmatched: () => 'completion by someone who matches no person in HR',
    incidentPending: () => 'pending: not yet reported, SLA still running',
    incidentNotReported: (p: { lateHours: number; slaHours: number }) => `not reported, ${p.lateHours} h past the ${p.slaHours} h SLA`,
    incidentReportedLate: (p: { lateHours: number; slaHours: number }) => `reported ${p.lateHours} h after the ${p.slaHours} h SLA`,
    leaverActivity: (p: { count: number; staleSince: string; last: string }) =>
      `${p.count} successful authentication(s) at or after the owner's stale-since ${p.staleSince}; last ${p.last}`,
    mfaNotEnrolled: () => 'no MFA enrolled',
    mfaUnknown: () => 'the IdP export does not say whether MFA is enrolled',
    passwordAgeUnknown: () => 'password age unknown',
    passwordTooOld: (p: { ageDays: number; maxAgeDays: number }) => `password ${p.ageDays} days old (max ${p.maxAgeDays})`,
    phishingClicked: () => 'clicked the link',
    phishingSubmitted: () => 'submitted data',
    phishingNotReported: () => 'did not report the email',
    mailTooLarge: () => 'too large to inspect; counted as not encrypted',
    mailUnencrypted: (p: { attachments: string[] }) =>
      `${p.attachments.length} unencrypted attachment${p.attachments.length === 1 ? '' : 's'} sent outside: ${p.attachments.join(', ')}`,
    mailNotInspectable: (p: { why: string; attachments: string[] }) =>
      `not inspectable: ${p.why}; counted as not encrypted${p.attachments.length ? `; ${p.attachments.length} unencrypted attachment${p.attachments.length === 1 ? '' : 's'} sent outside: ${p.attachments.join(', ')}` : ''}`,
    // Phishing follow-up, removable media, access reviews (issue 14).
    phishingRepeat: (p: { count: number; campaigns: string[] }) => `failed ${p.count} drills: ${p.campaigns.join(', ')}`,
    retrainingMissing: (p: { deadline: string }) => `not retrained by the deadline ${p.deadline.slice(0, 10)}`,
    retrainingLate: (p: { on: string }) => `retrained late on ${p.on.slice(0, 10)}`,
    retrainingWaiting: (p: { deadline: string }) => `waiting for retraining, deadline ${local(p.deadline)}`,
    mediaNoApproval: () => 'no approval',
    mediaApprovalNotValid: (p: { approvals: string[]; validity: string[] }) => `approval ${p.approvals.join(', ')} not valid at the first connection (valid ${p.validity.join('; ')})`,
    mediaOtherDevices: (p: { approvals: string[] }) => `approved for other devices only (${p.approvals.join(', ')})`,
    mediaNoOwner: () => 'no user, and no owner known for the host',
    reviewNoDecision: () => 'no decision',
    reviewOwnOwner: () => 'reviewed by its own owner',
    reviewLate: (p: { days: number }) => `decided late, ${p.days} day(s) after the deadline`,
    removalLate: (p: { days: number }) => `disabled ${p.days} day(s) after the decision's grace`,
    removalStillEnabled: (p: { days: number }) => `decided remove, still enabled ${p.days} day(s) after the grace`,
    removalNoAccount: () => 'decided remove, but its identity source holds no such account',
    removalPending: (p: { graceEnd: string }) => `decided remove, to be disabled by ${local(p.graceEnd)}`,
    // Vulnerabilities, scan coverage, incident counts, recurring activities (issue 13).
    findingOpenPast: (p: { severity: string; days: number; due: string; fixedIn: string | null }) => `${p.severity}, still open ${p.days} day(s) past its deadline ${p.due}${p.fixedIn ? `; fixed in ${p.fixedIn}` : ''}`,
    findingFixedLate: (p: { severity: string; days: number; due: string }) => `${p.severity}, fixed ${p.days} day(s) after its deadline ${p.due}`,
    findingOpen: (p: { severity: string; since: string; due: string | null; fixedIn: string | null }) => `${p.severity}, open since ${p.since} (${p.due === null ? 'no deadline' : `deadline ${p.due}`})${p.fixedIn ? `; fixed in ${p.fixedIn}` : ''}`,
    assetNotScannedRecently: (p: { last: string; days: number; clean: boolean }) => `not scanned recently: newest report ${p.last}, more than ${p.days} days before T${p.clean ? ' (an old clean report does not show the asset clean now)' : ''}`,
    assetNoRecentScan: (p: { days: number; last: string | null }) => `no scan in the last ${p.days} days (${p.last === null ? 'never scanned' : `last scanned ${p.last}`})`,
    assetNotInInventory: (p: { last: string }) => `scanned (last ${p.last}) but not in the asset inventory`,
    assetIncompleteReport: (p: { scanAt: string }) => `a report scanned ${p.scanAt} is incomplete (parts missing: a collection interrupted half-way, read again by the next run) and was left out`,
    incidentCounted: (p: { category: string | null; severity: string | null; detected: string }) => `${p.category ?? 'no category'}${p.severity ? `, severity ${p.severity}` : ''}, detected ${p.detected}`,
    activityNotPerformed: () => 'not performed',
    activityPerformedLate: (p: { on: string }) => `performed late on ${p.on}`,
    activityNotDueYet: (p: { until: string; withGrace: boolean; performed: string | null }) => `not due yet: ${p.withGrace ? 'the slot and its grace run' : 'the slot runs'} until ${p.until}${p.performed ? `; performed ${p.performed}` : ''}`,
  },
  ja: {
    staleStillEnabled: (p: { kind: StaleKind; daysOverdue: number }) =>
      `${{ leaver: '退職者のアカウント', dormant: '休眠アカウント', orphan: '所有者不明のアカウント' }[p.kind]}が有効のまま（期限から${p.daysOverdue}日超過）`,
    staleDisabledLate: (p: { kind: StaleKind; daysOverdue: number }) =>
      `${{ leaver: '退職者のアカウント', dormant: '休眠アカウント', orphan: '所有者不明のアカウント' }[p.kind]}の無効化が期限から${p.daysOverdue}日遅延`,
    serviceAccount: () => 'サービスアカウント（この指標の対象外）',
    orphanNoPerson: () => '所有者不明のアカウント（人事名簿に該当者なし）',
    orphanNotDue: () => '所有者不明のアカウント（期限前）',
    trainingMissing: (p: { courses: string[]; anyOf: string[]; anyCourse: boolean }) =>
      `未修了: ${[...p.courses, ...(p.anyOf.length > 0 ? [`次のいずれか: ${p.anyOf.join('、')}`] : []), ...(p.anyCourse ? ['いずれかのコース'] : [])].join('、')}`,
    completionUnmatched: () => '人事名簿に該当者のいない修了記録',
    incidentPending: () => '保留: 未報告（SLA期限前）',
    incidentNotReported: (p: { lateHours: number; slaHours: number }) => `未報告（SLA ${p.slaHours}時間を${p.lateHours}時間超過）`,
    incidentReportedLate: (p: { lateHours: number; slaHours: number }) => `報告がSLA ${p.slaHours}時間から${p.lateHours}時間遅延`,
    leaverActivity: (p: { count: number; staleSince: string; last: string }) =>
      `所有者の失効日時 ${local(p.staleSince)} 以降に認証成功${p.count}回（最終 ${local(p.last)}）`,
    mfaNotEnrolled: () => '多要素認証が未登録',
    mfaUnknown: () => 'IdPのエクスポートに多要素認証の登録状況がない',
    passwordAgeUnknown: () => 'パスワードの経過日数が不明',
    passwordTooOld: (p: { ageDays: number; maxAgeDays: number }) => `パスワード変更から${p.ageDays}日経過（上限${p.maxAgeDays}日）`,
    phishingClicked: () => 'リンクをクリック',
    phishingSubmitted: () => 'データを入力・送信',
    phishingNotReported: () => '訓練メールを報告していない',
    mailTooLarge: () => 'サイズが大きく検査できない（暗号化なしとして集計）',
    mailUnencrypted: (p: { attachments: string[] }) => `暗号化されていない添付ファイル${p.attachments.length}件を社外へ送信: ${p.attachments.join('、')}`,
    mailNotInspectable: (p: { why: string; attachments: string[] }) =>
      `検査できない（${p.why}）ため暗号化なしとして集計${p.attachments.length ? `; 暗号化されていない添付ファイル${p.attachments.length}件を社外へ送信: ${p.attachments.join('、')}` : ''}`,
    phishingRepeat: (p: { count: number; campaigns: string[] }) => `${p.count}回の訓練でクリック・入力: ${p.campaigns.join('、')}`,
    retrainingMissing: (p: { deadline: string }) => `期限（${p.deadline.slice(0, 10)}）までに再教育を未受講`,
    retrainingLate: (p: { on: string }) => `再教育の受講が期限後（${p.on.slice(0, 10)}）`,
    retrainingWaiting: (p: { deadline: string }) => `再教育の受講待ち（期限 ${local(p.deadline)}）`,
    mediaNoApproval: () => '利用申請の承認なし',
    mediaApprovalNotValid: (p: { approvals: string[]; validity: string[] }) => `承認 ${p.approvals.join('、')} は最初の接続時点で有効期間外（有効期間 ${p.validity.join('、')}）`,
    mediaOtherDevices: (p: { approvals: string[] }) => `別のデバイスの承認のみ（${p.approvals.join('、')}）`,
    mediaNoOwner: () => 'ユーザー不明、端末の管理者も不明',
    reviewNoDecision: () => '未判定',
    reviewOwnOwner: () => '所有者本人による確認（無効）',
    reviewLate: (p: { days: number }) => `期限後の判定（${p.days}日超過）`,
    removalLate: (p: { days: number }) => `削除判定から猶予期間を${p.days}日過ぎて無効化`,
    removalStillEnabled: (p: { days: number }) => `削除判定後も有効のまま（猶予期間から${p.days}日超過）`,
    removalNoAccount: () => '削除判定されたが、IDソースに該当アカウントがない',
    removalPending: (p: { graceEnd: string }) => `削除判定済み（${local(p.graceEnd)} までに無効化）`,
    findingOpenPast: (p: { severity: string; days: number; due: string; fixedIn: string | null }) => `${p.severity}、期限 ${p.due} を ${p.days}日超過して未修正${p.fixedIn ? `。修正版 ${p.fixedIn}` : ''}`,
    findingFixedLate: (p: { severity: string; days: number; due: string }) => `${p.severity}、期限 ${p.due} の ${p.days}日後に修正`,
    findingOpen: (p: { severity: string; since: string; due: string | null; fixedIn: string | null }) => `${p.severity}、${p.since} から未修正（${p.due === null ? '期限なし' : `期限 ${p.due}`}）${p.fixedIn ? `。修正版 ${p.fixedIn}` : ''}`,
    assetNotScannedRecently: (p: { last: string; days: number; clean: boolean }) => `最近スキャンされていない: 最新の結果は ${p.last}（評価時点の${p.days}日より前）${p.clean ? '。古い結果で検出事項がなくても、現在も問題がないとは言えない' : ''}`,
    assetNoRecentScan: (p: { days: number; last: string | null }) => `直近${p.days}日にスキャンなし（${p.last === null ? 'スキャン実績なし' : `最終スキャン ${p.last}`}）`,
    assetNotInInventory: (p: { last: string }) => `スキャンされている（最終 ${p.last}）が資産台帳にない`,
    assetIncompleteReport: (p: { scanAt: string }) => `${p.scanAt} のスキャン結果は一部しか読み込まれていない（収集が途中で中断され、次回の収集で読み直される）ため除外`,
    incidentCounted: (p: { category: string | null; severity: string | null; detected: string }) => `${p.category ?? '分類なし'}${p.severity ? `、重大度 ${p.severity}` : ''}、検知 ${p.detected}`,
    activityNotPerformed: () => '未実施',
    activityPerformedLate: (p: { on: string }) => `${p.on} に遅れて実施`,
    activityNotDueYet: (p: { until: string; withGrace: boolean; performed: string | null }) => `期限前: 実施枠${p.withGrace ? 'と猶予' : ''}は ${p.until} まで${p.performed ? `。${p.performed} に実施済み` : ''}`,
  },
});

const KIND_EN = { leaver: "leaver's account", dormant: 'dormant account', orphan: 'orphan account' } as const;
const KIND_JA = { leaver: '退職者のアカウント', dormant: '休眠アカウント', orphan: '所有者不明のアカウント' } as const;

/**
 * A reason without its numbers, for counting failing subjects by reason (the report) and for
 * the reason filter: "dormant account still enabled after its deadline", whatever the days.
 * Codes not listed here group by their full text.
 */
export const reasonGroupTexts = defineTexts({
  en: {
    staleStillEnabled: (p: { kind: StaleKind }) => `${KIND_EN[p.kind] ?? p.kind} still enabled after its deadline`,
    staleDisabledLate: (p: { kind: StaleKind }) => `${KIND_EN[p.kind] ?? p.kind} disabled after its deadline`,
    incidentNotReported: () => 'not reported within the SLA',
    incidentReportedLate: () => 'reported after the SLA',
    leaverActivity: () => "successful authentication after the owner's stale-since",
    passwordTooOld: () => 'password older than the maximum age',
    mailUnencrypted: () => 'unencrypted attachments sent outside',
    mailNotInspectable: () => 'not inspectable: counted as not encrypted',
    retrainingMissing: () => 'not retrained by the deadline',
    retrainingLate: () => 'retrained after the deadline',
    mediaApprovalNotValid: () => 'approval not valid at the first connection',
    mediaOtherDevices: () => 'approved for other devices only',
    reviewLate: () => 'decided after the deadline',
    removalLate: () => 'disabled after the grace',
    removalStillEnabled: () => 'decided remove, still enabled after the grace',
  },
  ja: {
    staleStillEnabled: (p: { kind: StaleKind }) => `${KIND_JA[p.kind] ?? p.kind}が期限後も有効`,
    staleDisabledLate: (p: { kind: StaleKind }) => `${KIND_JA[p.kind] ?? p.kind}の無効化が期限後`,
    incidentNotReported: () => 'SLA内に未報告',
    incidentReportedLate: () => 'SLA経過後に報告',
    leaverActivity: () => '所有者の失効後に認証成功',
    passwordTooOld: () => 'パスワードが上限日数を超過',
    mailUnencrypted: () => '暗号化されていない添付ファイルを社外へ送信',
    mailNotInspectable: () => '検査できないため暗号化なしとして集計',
    retrainingMissing: () => '期限までに再教育を未受講',
    retrainingLate: () => '期限後に再教育を受講',
    mediaApprovalNotValid: () => '承認の有効期間外',
    mediaOtherDevices: () => '別のデバイスの承認のみ',
    reviewLate: () => '期限後の判定',
    removalLate: () => '猶予期間後に無効化',
    removalStillEnabled: () => '削除判定後も有効のまま',
  },
});

type ReasonFns = (typeof reasonTexts)['en'];
export type ReasonCode = keyof ReasonFns;
export type ReasonParams<C extends ReasonCode> = Parameters<ReasonFns[C]> extends [infer P] ? P : Record<string, never>;

/** What a subject carries about its reason (a FailingSubject, structurally). */
export interface ReasonOf {
  reason: string;
  reasonCode?: string;
  reasonParams?: Readonly<Record<string, unknown>>;
}

/** The reason in `lang`: from the code when the catalogue knows it, else the text as given. */
export function reasonText(s: ReasonOf, lang: Language): string {
  const fn = s.reasonCode !== undefined ? (reasonTexts[lang] as Record<string, ((p: unknown) => string) | undefined>)[s.reasonCode] : undefined;
  if (!fn) return s.reason;
  try {
    return fn(s.reasonParams ?? {});
  } catch {
    return s.reason; // parameters of an older shape (a cached result): the English text stands
  }
}

/** The reason's group in `lang` (the reason without its numbers), or its full text. */
export function reasonGroup(s: ReasonOf, lang: Language): string {
  const fn = s.reasonCode !== undefined ? (reasonGroupTexts[lang] as Record<string, ((p: unknown) => string) | undefined>)[s.reasonCode] : undefined;
  if (!fn) return reasonText(s, lang);
  try {
    return fn(s.reasonParams ?? {});
  } catch {
    return reasonText(s, lang);
  }
}
