/** What a collection tells the person who runs it: the shrink guard's refusal. */
import { defineTexts } from './language.ts';

/** Counted things of each snapshot record kind: [one, several]. */
type Nouns = Record<'person' | 'account' | 'completion' | 'phishing' | 'incident' | 'other', readonly [string, string]>;

export interface ShrinkFacts {
  source: string;
  kind: string;
  previous: number;
  incoming: number;
  /** The drop, in per cent of the previous observation. */
  dropPercent: number;
  /** The source's maxShrink, in per cent. */
  maxPercent: number;
}

function noun(nouns: Nouns, kind: string, n: number): string {
  const forms = (nouns as Record<string, readonly [string, string]>)[kind] ?? nouns.other;
  return n === 1 ? forms[0] : forms[1];
}

const pct = (n: number) => String(Math.round(n * 10) / 10);

const enNouns: Nouns = {
  person: ['person', 'people'], account: ['account', 'accounts'], completion: ['completion', 'completions'],
  phishing: ['recipient', 'recipients'], incident: ['incident', 'incidents'], other: ['record', 'records'],
};
const jaNouns: Nouns = {
  person: ['人', '人'], account: ['アカウント', 'アカウント'], completion: ['件の修了記録', '件の修了記録'],
  phishing: ['人の受信者', '人の受信者'], incident: ['件のインシデント', '件のインシデント'], other: ['件', '件'],
};

export const collectionTexts = defineTexts({
  en: {
    shrinkRefused: (f: ShrinkFacts) =>
      `the export has ${f.incoming} ${noun(enNouns, f.kind, f.incoming)} where the previous one had ${f.previous} (−${pct(f.dropPercent)} %, more than maxShrink ${pct(f.maxPercent)} %); ` +
      `nothing was stored; if this is right, run \`isms-kpi collect ${f.source} --accept-shrink ${f.source}\` or set maxShrink on the source`,
    showValuesHint: 'rejected values are hidden (they may be personal data); add --show-values to print them',
    /** `collect`'s table. */
    table: {
      headers: ['source', 'result', 'accepted', 'rejected', 'changes'],
      ok: 'ok',
      partial: 'PARTIAL',
      failed: 'FAILED',
      unchangedFile: 'file unchanged, not parsed',
    },
  },
  ja: {
    shrinkRefused: (f: ShrinkFacts) =>
      `今回のエクスポートは ${f.incoming}${noun(jaNouns, f.kind, f.incoming)}で、前回の ${f.previous}${noun(jaNouns, f.kind, f.previous)}から −${pct(f.dropPercent)} % 減っています（maxShrink ${pct(f.maxPercent)} % を超過）。` +
      `何も保存していません。この減少が正しければ \`isms-kpi collect ${f.source} --accept-shrink ${f.source}\` を実行するか、ソースの maxShrink を設定してください`,
    showValuesHint: '却下した値は個人データを含みうるため表示していません。表示するには --show-values を付けてください',
    table: {
      headers: ['ソース', '結果', '受理', '却下', '変更'],
      ok: '成功',
      partial: '一部失敗',
      failed: '失敗',
      unchangedFile: 'ファイル変更なし、解析を省略',
    },
  },
});
