/** What `collect SOURCE --check` prints about an API source's credentials. */
import { defineTexts } from './language.ts';

type What = 'users' | 'campaigns' | 'enrolments';
const count = (n: number, more: boolean | undefined) => `${n.toLocaleString('en-US')}${more ? '+' : ''}`;

export const apiCheckTexts = defineTexts({
  en: {
    checked: (source: string, principal: string, scopes: string[], n: number, more: boolean | undefined, what: What, within?: string) =>
      `${source}: authenticated as ${principal} with scopes ${scopes.join(', ') || '(none reported)'}, ${count(n, more)} ${what === 'enrolments' ? `enrolled users in "${within ?? ''}"` : what} visible${more ? ' (first page)' : ''}; nothing stored`,
    failed: (source: string, message: string) => `${source}: check failed: ${message}`,
  },
  ja: {
    checked: (source: string, principal: string, scopes: string[], n: number, more: boolean | undefined, what: What, within?: string) =>
      `${source}: ${principal} として認証しました。スコープ: ${scopes.join(', ') || '（報告なし）'}。見える${what === 'users' ? 'ユーザー' : what === 'campaigns' ? 'キャンペーン' : `「${within ?? ''}」の受講登録者`}: ${count(n, more)} 件${more ? '（最初のページ）' : ''}。何も保存していません`,
    failed: (source: string, message: string) => `${source}: 確認に失敗しました: ${message}`,
  },
});
