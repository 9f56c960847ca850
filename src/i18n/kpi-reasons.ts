/**
 * Why a subject fails (or is listed apart), one line a person reads, per KPI. Dates come in
 * already formatted in the organisation's zone (`2026-10-26`).
 */
import { defineTexts } from './language.ts';

export const kpiReasonTexts = defineTexts({
  en: {
    finding: {
      openPast: (severity: string, days: number, due: string) => `${severity}, still open ${days} day(s) past its deadline ${due}`,
      fixedLate: (severity: string, days: number, due: string) => `${severity}, fixed ${days} day(s) after its deadline ${due}`,
      open: (severity: string, since: string, due: string | undefined) => `${severity}, open since ${since} (${due === undefined ? 'no deadline' : `deadline ${due}`})`,
      fixedIn: (version: string) => `; fixed in ${version}`,
    },
    asset: {
      notScannedRecently: (last: string, days: number, clean: boolean) => `not scanned recently: newest report ${last}, more than ${days} days before T${clean ? ' (an old clean report does not show the asset clean now)' : ''}`,
      noRecentScan: (days: number, last: string | undefined) => `no scan in the last ${days} days (${last === undefined ? 'never scanned' : `last scanned ${last}`})`,
      notInInventory: (last: string) => `scanned (last ${last}) but not in the asset inventory`,
      incompleteReport: (scanAt: string) => `a report scanned ${scanAt} is incomplete (parts missing: a collection interrupted half-way, read again by the next run) and was left out`,
    },
    incident: {
      counted: (category: string | undefined, severity: string | undefined, detected: string) => `${category ?? 'no category'}${severity ? `, severity ${severity}` : ''}, detected ${detected}`,
    },
    activity: {
      notPerformed: 'not performed',
      performedLate: (on: string) => `performed late on ${on}`,
      notDueYet: (until: string, withGrace: boolean, performed: string | undefined) => `not due yet: ${withGrace ? 'the slot and its grace run' : 'the slot runs'} until ${until}${performed ? `; performed ${performed}` : ''}`,
    },
  },
  ja: {
    finding: {
      openPast: (severity: string, days: number, due: string) => `${severity}、期限 ${due} を ${days}日超過して未修正`,
      fixedLate: (severity: string, days: number, due: string) => `${severity}、期限 ${due} の ${days}日後に修正`,
      open: (severity: string, since: string, due: string | undefined) => `${severity}、${since} から未修正（${due === undefined ? '期限なし' : `期限 ${due}`}）`,
      fixedIn: (version: string) => `。修正版 ${version}`,
    },
    asset: {
      notScannedRecently: (last: string, days: number, clean: boolean) => `最近スキャンされていない: 最新の結果は ${last}（評価時点の${days}日より前）${clean ? '。古い結果で検出事項がなくても、現在も問題がないとは言えない' : ''}`,
      noRecentScan: (days: number, last: string | undefined) => `直近${days}日にスキャンなし（${last === undefined ? 'スキャン実績なし' : `最終スキャン ${last}`}）`,
      notInInventory: (last: string) => `スキャンされている（最終 ${last}）が資産台帳にない`,
      incompleteReport: (scanAt: string) => `${scanAt} のスキャン結果は一部しか読み込まれていない（収集が途中で中断され、次回の収集で読み直される）ため除外`,
    },
    incident: {
      counted: (category: string | undefined, severity: string | undefined, detected: string) => `${category ?? '分類なし'}${severity ? `、重大度 ${severity}` : ''}、検知 ${detected}`,
    },
    activity: {
      notPerformed: '未実施',
      performedLate: (on: string) => `${on} に遅れて実施`,
      notDueYet: (until: string, withGrace: boolean, performed: string | undefined) => `期限前: 実施枠${withGrace ? 'と猶予' : ''}は ${until} まで${performed ? `。${performed} に実施済み` : ''}`,
    },
  },
});
