/**
 * Output formats of `evaluate`: an aligned table for people, in the organisation's language and
 * zone and fitted to the terminal; the JSON contract (src/kpi/summary.ts, shared with HTTP
 * /objectives); and CSV for spreadsheets. `evidence` has its own (evidence-format.ts).
 */
import type { ObjectiveConfig } from '../config/fields.ts';
import { isCountKpi } from '../kpi/registry.ts';
import { messages } from '../i18n/catalogue.ts';
import { evaluationSummary } from '../kpi/summary.ts';
import type { KpiResult } from '../kpi/types.ts';
import { spreadsheetCsv } from './csv.ts';
import { table } from './table.ts';
import { localDate, zonedIso, type View } from './view.ts';

export { table } from './table.ts';

export type Format = 'table' | 'json' | 'csv';

/** A count KPI's value is a number; the others' are ratios shown as percentages. */
export function isCount(kpi: string): boolean {
  return isCountKpi(kpi);
}

export function formatValue(kpi: string, v: number | null): string {
  if (v === null) return '—';
  return isCount(kpi) ? String(v) : `${(v * 100).toFixed(1)}%`;
}

/** `≥ 100.0%`, `≤ 0` */
export function formatTarget(r: Pick<KpiResult, 'kpi' | 'direction' | 'target'>): string {
  return `${r.direction === 'at_least' ? '≥' : '≤'} ${formatValue(r.kpi, r.target)}`;
}

export function formatEvaluation(format: Format, at: Date, results: readonly KpiResult[], objectives: readonly ObjectiveConfig[], view: View): string {
  if (format === 'json') return `${JSON.stringify(evaluationSummary(results, at), null, 2)}\n`;
  const { cli, common } = messages(view.language);
  const h = cli.evaluate;
  const title = new Map(objectives.map((o) => [o.id, o.title]));
  if (format === 'csv') {
    return spreadsheetCsv([
      [h.objective, h.title, h.kpi, h.value, h.target, h.status, h.numerator, h.denominator, h.periodFrom, h.periodTo],
      ...results.map((r) => [
        r.objective, title.get(r.objective) ?? '', r.kpi, r.value, r.target, common.status[r.status],
        r.numerator, r.denominator, zonedIso(r.period.from, view.timeZone), zonedIso(r.period.to, view.timeZone),
      ]),
    ]);
  }
  const rows = results.map((r) => [
    r.objective, title.get(r.objective) ?? '', r.kpi, formatValue(r.kpi, r.value), formatTarget(r), common.status[r.status],
    `${r.numerator}/${r.denominator}`, `${localDate(r.period.from, view.timeZone)} … ${localDate(r.period.to, view.timeZone)}`,
  ]);
  return table([h.objective, h.title, h.kpi, h.value, h.target, h.status, h.fraction, h.period], rows, {
    width: view.width,
    truncatable: [false, true, false, false, false, false, false, false],
  });
}
