/**
 * Charts rendered on the server as SVG with Apache ECharts' SSR renderer, so pages and PDFs
 * need no client-side script and look the same in both. Only numbers and month labels go into
 * a chart (titles and names stay in the escaped HTML around it).
 *
 * ECharts numbers its clip paths and CSS classes from a process-wide counter (`zr3-c0`,
 * `zr3-cls-12`); {@link stableIds} renames them in order of appearance under the chart's own
 * prefix, so the same data gives the same bytes (the report is reproducible) and several charts
 * on one page never share an id.
 */
import * as echarts from 'echarts';
import type { Direction, Status } from '../kpi/types.ts';

export const STATUS_COLOURS: Readonly<Record<Status, string>> = {
  met: '#1a7f37',
  at_risk: '#9a6700',
  missed: '#b3261e',
  no_data: '#57606a',
};

export interface ChartPoint {
  label: string;
  value: number | null;
  status: Status;
}

export interface TrendChart {
  /** Unique on the page, [a-z0-9-]: prefixes the SVG's ids. */
  id: string;
  points: readonly ChartPoint[];
  unit: 'ratio' | 'count';
  target: number;
  direction: Direction;
  warning?: number;
  /** Label of the target line (`目標`), already in the organisation's language. */
  targetLabel: string;
  width?: number;
  height?: number;
}

/** Rename ECharts' generated ids and classes deterministically under `prefix`. */
export function stableIds(svg: string, prefix: string): string {
  const names = new Map<string, string>();
  return svg.replace(/zr\d+-(cls-\d+|c\d+)/g, (m, kind: string) => {
    let n = names.get(m);
    if (!n) names.set(m, (n = `${prefix}-${kind.startsWith('cls') ? 'k' : 'c'}${names.size}`));
    return n;
  });
}

/**
 * Rendered charts by their input: ECharts' SSR takes milliseconds per chart, and a page read
 * again with the same points draws the same charts. Bounded; the oldest entries go first.
 */
const rendered = new Map<string, string>();
const RENDERED_MAX = 500;

function render(id: string, width: number, height: number, option: echarts.EChartsCoreOption): string {
  const key = JSON.stringify([id, width, height, option]);
  const hit = rendered.get(key);
  if (hit !== undefined) return hit;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  let svg: string;
  try {
    chart.setOption(option);
    // Decorative for assistive technology: the figure around it has the words and a table.
    svg = stableIds(chart.renderToSVGString(), id).replace('<svg ', '<svg aria-hidden="true" focusable="false" ');
  } finally {
    chart.dispose();
  }
  if (rendered.size >= RENDERED_MAX) rendered.delete(rendered.keys().next().value!);
  rendered.set(key, svg);
  return svg;
}

const scale = (unit: 'ratio' | 'count', v: number) => (unit === 'ratio' ? Math.round(v * 10000) / 100 : v);

function yRange(c: TrendChart): { min: number; max?: number } {
  const values = [...c.points.map((p) => p.value).filter((v): v is number => v !== null), c.target, ...(c.warning !== undefined ? [c.warning] : [])].map((v) => scale(c.unit, v));
  if (c.unit === 'count') return { min: 0 };
  const low = Math.min(...values);
  return { min: Math.max(0, Math.floor((low - 5) / 10) * 10), max: 100 };
}

/** The objective's trend: monthly values, the target line and the warning band. */
export function trendChartSvg(c: TrendChart): string {
  const width = c.width ?? 720;
  const height = c.height ?? 280;
  const band =
    c.warning !== undefined
      ? [[{ yAxis: scale(c.unit, Math.min(c.warning, c.target)) }, { yAxis: scale(c.unit, Math.max(c.warning, c.target)) }]]
      : [];
  const suffix = c.unit === 'ratio' ? '%' : '';
  return render(c.id, width, height, {
    animation: false,
    silent: true,
    grid: { left: 56, right: 24, top: 24, bottom: 40 },
    textStyle: { fontFamily: 'sans-serif' },
    xAxis: { type: 'category', data: c.points.map((p) => p.label), axisLabel: { interval: 'auto', hideOverlap: true, color: '#333' }, axisTick: { alignWithLabel: true } },
    yAxis: { type: 'value', ...yRange(c), axisLabel: { formatter: `{value}${suffix}`, color: '#333' } },
    series: [
      {
        type: 'line',
        clip: false,
        connectNulls: false,
        symbol: 'circle',
        symbolSize: 8,
        showAllSymbol: true,
        lineStyle: { color: '#1f4e79', width: 2 },
        data: c.points.map((p) => ({ value: p.value === null ? null : scale(c.unit, p.value), itemStyle: { color: STATUS_COLOURS[p.status] } })),
        markLine: {
          silent: true,
          symbol: 'none',
          lineStyle: { color: '#1a7f37', type: 'dashed', width: 2 },
          label: { formatter: `${c.targetLabel} ${scale(c.unit, c.target)}${suffix}`, position: 'insideEndTop', color: '#1a5e2a' },
          data: [{ yAxis: scale(c.unit, c.target) }],
        },
        markArea: { silent: true, itemStyle: { color: 'rgba(154, 103, 0, 0.14)' }, data: band },
      },
    ],
  });
}

/** A sparkline for the register: the values and the target, no axes. */
export function sparklineSvg(c: TrendChart): string {
  const width = c.width ?? 120;
  const height = c.height ?? 32;
  const values = c.points.map((p) => (p.value === null ? null : scale(c.unit, p.value)));
  const known = [...values.filter((v): v is number => v !== null), scale(c.unit, c.target)];
  const lo = Math.min(...known);
  const hi = Math.max(...known);
  const pad = hi === lo ? 1 : (hi - lo) * 0.15;
  return render(c.id, width, height, {
    animation: false,
    silent: true,
    grid: { left: 2, right: 2, top: 3, bottom: 3 },
    xAxis: { type: 'category', show: false, data: c.points.map((p) => p.label) },
    yAxis: { type: 'value', show: false, min: lo - pad, max: hi + pad },
    series: [
      {
        type: 'line',
        clip: false,
        symbol: 'circle',
        symbolSize: 4,
        showAllSymbol: true,
        lineStyle: { color: '#1f4e79', width: 1.5 },
        data: values.map((v, i) => ({ value: v, itemStyle: { color: STATUS_COLOURS[c.points[i]!.status] } })),
        markLine: { silent: true, symbol: 'none', label: { show: false }, lineStyle: { color: '#1a7f37', type: 'dashed', width: 1 }, data: [{ yAxis: scale(c.unit, c.target) }] },
      },
    ],
  });
}
