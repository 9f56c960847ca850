/**
 * Output formats of `evaluate` and `evidence`: an aligned table for people (East Asian wide
 * characters counted as two columns), JSON shaped as DESIGN.md fixes it, and CSV for spreadsheets.
 */
import { stringify } from 'csv-stringify/sync';
import stringWidth from 'string-width';
import type { ObjectiveConfig } from '../config/fields.ts';
import { isCountKpi } from '../kpi/registry.ts';
import type { FailingSubject, KpiResult } from '../kpi/types.ts';

export type Format = 'table' | 'json' | 'csv';

/** A count KPI's value is a number; the others' are ratios shown as percentages. */
export function isCount(kpi: string): boolean {
  return isCountKpi(kpi);
}

export function formatValue(kpi: string, v: number | null): string {
  if (v === null) return '—';
  return isCount(kpi) ? String(v) : `${(v * 100).toFixed(1)}%`;
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(stringWidth(h), ...rows.map((r) => stringWidth(r[i] ?? ''))));
  const line = (cells: string[]) => cells.map((c, i) => c + ' '.repeat(widths[i]! - stringWidth(c))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

/** The `evaluate --format json` document (DESIGN.md contract). */
export function evaluationJson(evaluatedAt: Date, results: readonly KpiResult[]) {
  return {
    evaluatedAt: evaluatedAt.toISOString(),
    objectives: results.map((r) => ({
      id: r.objective,
      kpi: r.kpi,
      value: r.value,
      numerator: r.numerator,
      denominator: r.denominator,
      target: r.target,
      direction: r.direction,
      status: r.status,
      period: { from: r.period.from, to: r.period.to },
    })),
  };
}

export function formatEvaluation(format: Format, at: Date, results: readonly KpiResult[], objectives: readonly ObjectiveConfig[]): string {
  if (format === 'json') return `${JSON.stringify(evaluationJson(at, results), null, 2)}\n`;
  const title = new Map(objectives.map((o) => [o.id, o.title]));
  const header = ['objective', 'title', 'kpi', 'value', 'target', 'status', 'numerator', 'denominator', 'period_from', 'period_to'];
  const rows = results.map((r) => [
    r.objective, title.get(r.objective) ?? '', r.kpi,
    format === 'csv' ? (r.value === null ? '' : String(r.value)) : formatValue(r.kpi, r.value),
    format === 'csv' ? String(r.target) : `${r.direction === 'at_least' ? '≥' : '≤'} ${formatValue(r.kpi, r.target)}`,
    r.status, String(r.numerator), String(r.denominator), r.period.from, r.period.to,
  ]);
  if (format === 'csv') return stringify([header, ...rows]);
  return table(['objective', 'title', 'kpi', 'value', 'target', 'status', 'n/d', 'period'], rows.map((r) => [
    r[0]!, r[1]!, r[2]!, r[3]!, r[4]!, r[5]!, `${r[6]}/${r[7]}`, `${r[8]!.slice(0, 10)} … ${r[9]!.slice(0, 10)}`,
  ]));
}

function detailText(d: FailingSubject['details']): string {
  return Object.entries(d)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('|') : String(v)}`)
    .join(' ');
}

/** `evidence <objective>`: the failing subjects, something an IT person can act on. */
export function formatEvidence(format: Format, result: KpiResult, title: string): string {
  const subjects = result.failing;
  if (format === 'json') return `${JSON.stringify({ ...result, title }, null, 2)}\n`;
  const detailKeys = [...new Set(subjects.flatMap((s) => Object.keys(s.details)))];
  if (format === 'csv') {
    return stringify([
      ['type', 'id', 'reason', ...detailKeys],
      ...subjects.map((s) => [s.type, s.id, s.reason, ...detailKeys.map((k) => {
        const v = s.details[k];
        return Array.isArray(v) ? v.join('|') : v === null || v === undefined ? '' : String(v);
      })]),
    ], { escape_formulas: true });
  }
  const head = `${result.objective} — ${title}\n${result.kpi}: ${formatValue(result.kpi, result.value)} (${result.numerator}/${result.denominator}), target ${result.direction === 'at_least' ? '≥' : '≤'} ${formatValue(result.kpi, result.target)}, status ${result.status}\nperiod ${result.period.from} … ${result.period.to}\n\n`;
  const body = subjects.length === 0
    ? 'No failing subjects.\n'
    : table(['type', 'id', 'reason', 'details'], subjects.map((s) => [s.type, s.id, s.reason, detailText(s.details)]));
  const notes = result.notes?.length
    ? `\nListed apart (not counted):\n${table(['type', 'id', 'reason', 'details'], result.notes.map((s) => [s.type, s.id, s.reason, detailText(s.details)]))}`
    : '';
  return head + body + notes;
}
