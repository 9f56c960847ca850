/**
 * Human texts of alerts, in the organisation's language. Titles are used as the config gives them
 * (a Japanese title stays Japanese in an English installation and vice versa).
 */
import { isCountKpi, KPI_IDS } from '../kpi/registry.ts';
import type { Direction } from '../kpi/types.ts';

export type Language = 'en' | 'ja';

/** The kinds of alert isms-kpi raises, in Prometheus rules and in the in-app notifier alike. */
export type AlertKind = 'missed' | 'at_risk' | 'drift' | 'deadline_forecast' | 'no_data' | 'evidence_stale';

/** Prometheus alert names by kind: stable, documented, used in Alertmanager routes. */
export const ALERT_NAMES: Readonly<Record<AlertKind, string>> = {
  missed: 'IsmsObjectiveMissed',
  at_risk: 'IsmsObjectiveAtRisk',
  drift: 'IsmsObjectiveDrift',
  deadline_forecast: 'IsmsObjectiveDeadlineForecast',
  no_data: 'IsmsObjectiveNoData',
  evidence_stale: 'IsmsEvidenceStale',
};

/** `≥ 90%` / `≤ 0` — the target as a reader expects it. */
export function targetText(direction: Direction, target: number, isRatio: boolean): string {
  return `${direction === 'at_least' ? '≥' : '≤'} ${formatValue(target, isRatio)}`;
}

/** A KPI value: ratios as percentages (up to two decimals), counts as numbers. */
export function formatValue(value: number, isRatio: boolean): string {
  if (!isRatio) return String(Math.round(value * 100) / 100);
  return `${Math.round(value * 10000) / 100}%`;
}

export interface ObjectiveTextInput {
  title: string;
  direction: Direction;
  target: string;
  /** Drift amount and window as a reader expects them (`5%`, `7d`). */
  driftAmount?: string;
  driftWindow?: string;
  deadline?: string;
}

/** One-line summary of an objective alert. */
export function objectiveSummary(lang: Language, kind: Exclude<AlertKind, 'evidence_stale'>, o: ObjectiveTextInput): string {
  const dir = o.direction === 'at_least';
  if (lang === 'ja') {
    switch (kind) {
      case 'missed': return `目標「${o.title}」は未達です（目標 ${o.target}）`;
      case 'at_risk': return `目標「${o.title}」は未達の恐れがあります（目標 ${o.target}）`;
      case 'drift': return `目標「${o.title}」の指標が${o.driftWindow}で${o.driftAmount}を超えて${dir ? '低下' : '上昇'}しました`;
      case 'deadline_forecast': return `目標「${o.title}」は現在の傾向では期限 ${o.deadline ?? ''} までに達成できない見込みです（目標 ${o.target}）`;
      case 'no_data': return `目標「${o.title}」の測定データがありません`;
    }
  }
  switch (kind) {
    case 'missed': return `Objective "${o.title}" is missed (target ${o.target})`;
    case 'at_risk': return `Objective "${o.title}" is at risk (target ${o.target})`;
    case 'drift': return `Objective "${o.title}": the KPI ${dir ? 'fell' : 'rose'} by more than ${o.driftAmount} within ${o.driftWindow}`;
    case 'deadline_forecast': return `Objective "${o.title}" will not reach its target ${o.target} by its deadline ${o.deadline ?? ''} at the current trend`;
    case 'no_data': return `Objective "${o.title}" has no data to measure`;
  }
}

export function staleSummary(lang: Language, source: string, limit: string): string {
  return lang === 'ja'
    ? `ソース「${source}」の収集が ${limit} 以上成功していません（証跡が古くなっています）`
    : `Source "${source}" has not collected successfully for more than ${limit} (evidence is stale)`;
}

/** KPIs whose value is a count, not a ratio 0..1 (each KPI's definition says which). */
export const COUNT_KPIS: ReadonlySet<string> = new Set(KPI_IDS.filter(isCountKpi));

export function isRatioKpi(kpi: string): boolean {
  return !isCountKpi(kpi);
}
