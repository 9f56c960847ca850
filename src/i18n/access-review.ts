/** What `isms-kpi access-review` prints and writes for people: the worksheet's guide, the command's lines and the status table. */
import { defineTexts } from './language.ts';

export const accessReviewTexts = defineTexts({
  en: {
    sheetName: 'review',
    guideName: 'how to',
    guide: (campaign: string, deadline: string) => [
      `Access review ${campaign}: review every account on the first sheet by ${deadline}.`,
      'decision: keep (still needed) or remove (to be disabled or deleted).',
      'reviewed_by: your email address. A review of your own account does not count: leave it to someone else.',
      'reviewed_at: when you decided (YYYY-MM-DD HH:MM). Empty: the time the sheet is returned.',
      'Do not add, remove or rename rows or the first columns: the list is checked against the campaign.',
      'Return the file (XLSX or CSV) into the folder you were given; returning it again replaces the earlier return.',
    ],
    started: (campaign: string, accounts: number, sheets: number, deadline: string) => `access review ${campaign}: ${accounts} accounts on ${sheets} sheets, deadline ${deadline}`,
    writtenTo: (dir: string) => `worksheets and the campaign manifest written to ${dir}`,
    exists: (campaign: string, dir: string) => `campaign ${campaign} was already started (${dir} has its manifest); give another --campaign`,
    noCampaign: 'no access-review campaign has been started yet (isms-kpi access-review start)',
    unknownCampaign: (campaign: string, known: string) => `no campaign "${campaign}" (campaigns: ${known})`,
    summary: (campaign: string, deadline: string, done: number, total: number, closed: string | null) =>
      `campaign ${campaign}, deadline ${deadline}: ${done}/${total} decided${closed ? `, closed ${closed}` : ''}`,
    due: (slot: string, started: boolean) => (started ? `the current period's campaign ${slot} is started` : `no campaign started yet for ${slot}, the current period`),
    column: { reviewer: 'reviewer', accounts: 'accounts', decided: 'decided', remaining: 'remaining', late: 'late', remove: 'remove' },
  },
  ja: {
    sheetName: '棚卸し',
    guideName: '記入方法',
    guide: (campaign: string, deadline: string) => [
      `アカウント棚卸し ${campaign}: 1枚目のシートのすべてのアカウントを ${deadline} までに確認してください。`,
      '判定（decision）: keep（継続して必要）または remove（無効化・削除する）。',
      '確認者（reviewed_by）: ご自身のメールアドレス。自分自身のアカウントの確認は認められません（他の方に依頼してください）。',
      '確認日時（reviewed_at）: 判定した日時（YYYY-MM-DD HH:MM）。空欄の場合は提出ファイルの日時とします。',
      '行の追加・削除や、左側の列の変更はしないでください（棚卸し対象の一覧と照合します）。',
      '記入したファイル（XLSX または CSV）を指定のフォルダに提出してください。再提出すると前の提出は置き換えられます。',
    ],
    started: (campaign: string, accounts: number, sheets: number, deadline: string) => `アカウント棚卸し ${campaign}: ${accounts}件のアカウントを${sheets}枚のシートに割り当てました（期限 ${deadline}）`,
    writtenTo: (dir: string) => `シートと棚卸しの記録を ${dir} に書き出しました`,
    exists: (campaign: string, dir: string) => `棚卸し ${campaign} は開始済みです（${dir} に記録があります）。別の --campaign を指定してください`,
    noCampaign: 'アカウント棚卸しはまだ開始されていません（isms-kpi access-review start）',
    unknownCampaign: (campaign: string, known: string) => `棚卸し "${campaign}" はありません（開始済み: ${known}）`,
    summary: (campaign: string, deadline: string, done: number, total: number, closed: string | null) =>
      `棚卸し ${campaign}（期限 ${deadline}）: ${done}/${total} 件判定済み${closed ? `、${closed} に完了` : ''}`,
    due: (slot: string, started: boolean) => (started ? `今期の棚卸し ${slot} は開始済みです` : `今期（${slot}）の棚卸しはまだ開始されていません`),
    column: { reviewer: '確認担当者', accounts: '件数', decided: '判定済み', remaining: '未判定', late: '期限後', remove: '削除' },
  },
});
