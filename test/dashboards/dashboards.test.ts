import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '../../src/config/load.ts';
import { buildRules } from '../../src/alerts/rules.ts';
import { generateDashboards } from '../../src/dashboards/generate.ts';
import { metricNames } from './promql-names.ts';
import { registerInfoExpr } from '../../src/dashboards/overview.ts';
import { testRules } from '../alerts/promtool.ts';

const FIXTURES = new URL('../fixtures/alerts/', import.meta.url).pathname;
const config = parseConfig(readFileSync(`${FIXTURES}config.yaml`, 'utf8'), `${FIXTURES}config.yaml`, {});
const files = generateDashboards(config);

/** The metric contract of DESIGN.md ("Contracts that others build on"). */
const DESIGN_METRICS = [
  'isms_objective_kpi_value', 'isms_objective_kpi_numerator', 'isms_objective_kpi_denominator', 'isms_objective_target',
  'isms_objective_status', 'isms_objective_deadline_timestamp_seconds', 'isms_objective_evaluated_timestamp_seconds',
  'isms_collector_last_success_timestamp_seconds', 'isms_collector_runs_total', 'isms_collector_records_total',
  'isms_collector_run_duration_seconds', 'isms_queue_jobs',
];
const HISTOGRAM_SERIES = ['_bucket', '_sum', '_count'].map((s) => `isms_collector_run_duration_seconds${s}`);

interface Panel { type: string; title: string; targets?: { expr: string; refId: string }[]; panels?: Panel[]; gridPos: { x: number; y: number; w: number; h: number } }
interface Dashboard { title: string; uid: string; panels: Panel[] }
const dashboards = files.filter((f) => f.path.endsWith('.json')).map((f) => JSON.parse(f.content) as Dashboard);
const panels = (d: Dashboard) => d.panels.flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== 'row');

describe('generated dashboards', () => {
  it.each(files.map((f) => f.path))('%s matches the reviewed golden file', (path) => {
    // After an intended change: npx tsx test/fixtures/alerts/regenerate.ts, then review the diff.
    expect(files.find((f) => f.path === path)?.content).toBe(readFileSync(`${FIXTURES}dashboards/${path}`, 'utf8'));
  });

  it('uses only metric names from DESIGN.md and the generated recording rules', () => {
    const recorded = buildRules(config).groups.flatMap((g) => g.rules).flatMap((r) => ('record' in r ? [r.record] : []));
    const allowed = new Set([...DESIGN_METRICS, ...HISTOGRAM_SERIES, ...recorded]);
    const used = new Set<string>();
    for (const d of dashboards) for (const p of panels(d)) for (const t of p.targets ?? []) for (const n of metricNames(t.expr)) used.add(n);
    expect([...used].filter((n) => !allowed.has(n))).toEqual([]);
    // The overview's register and the collector view between them read most of the contract.
    for (const n of ['isms_objective_kpi_value', 'isms_objective_target', 'isms:objective_status_code', 'isms_queue_jobs', 'isms:collector_freshness_seconds']) {
      expect(used).toContain(n);
    }
  });

  it('the name extractor finds names and skips functions, labels, strings and keywords', () => {
    expect(metricNames('sum by (source, le) (rate(isms_collector_run_duration_seconds_bucket{a="x y"}[1h])) or vector(1)')).toEqual(['isms_collector_run_duration_seconds_bucket']);
    expect(metricNames('a - on(objective) group_left() b{c="d"} offset 7d > time()').sort()).toEqual(['a', 'b']);
    expect(metricNames('label_replace(vector(1), "owner", "unknown_metric", "", "")')).toEqual([]);
  });

  it('titles are the organisation language and objective titles render as given (UTF-8, not escaped)', () => {
    expect(dashboards.map((d) => d.title)).toEqual(['ISMS 情報セキュリティ目標の概要', 'ISMS 目標の詳細', 'ISMS 証跡収集の状態']);
    const overview = files.find((f) => f.path === 'dashboards/isms-objectives.json')!.content;
    expect(overview).toContain('"title": "退職者アカウントの削除率 100%"');
    expect(overview).toContain('"title": "Security training completion"');
  });

  it('overview has one value stat and one trend per objective, coloured by its direction', () => {
    const overview = dashboards.find((d) => d.uid === 'isms-objectives')!;
    const stats = panels(overview).filter((p) => p.type === 'stat') as (Panel & { fieldConfig: { defaults: { thresholds: { steps: { value: number | null; color: string }[] } } } })[];
    expect(stats.map((p) => p.title)).toEqual([
      '退職者アカウントの削除率 100%', 'Security training completion', '退職後のログイン 0 件',
      '脆弱性の期限内修正率', '期限超過の緊急脆弱性 0 件', 'Quarterly vulnerability scans', 'メール誤送信 0 件', '月次ログレビュー',
    ]);
    // at_least 1 with warning 0.95: red below 0.95, orange from 0.95, green from 1.
    expect(stats[0]!.fieldConfig.defaults.thresholds.steps).toEqual([{ value: null, color: 'red' }, { value: 0.95, color: 'orange' }, { value: 1, color: 'green' }]);
    // at_least 0.9 without warning.
    expect(stats[1]!.fieldConfig.defaults.thresholds.steps).toEqual([{ value: null, color: 'red' }, { value: 0.9, color: 'green' }]);
    // at_most 0: 0 itself is met (green); anything above is red.
    const steps = stats[2]!.fieldConfig.defaults.thresholds.steps;
    expect(steps[0]).toEqual({ value: null, color: 'green' });
    expect(steps[1]!.color).toBe('red');
    expect(steps[1]!.value).toBeGreaterThan(0);
    expect(steps[1]!.value).toBeLessThan(1e-6);
    // The count KPIs of issue 13 are coloured like leaver-logins: 0 green, anything above red.
    for (const i of [4, 6]) expect(stats[i]!.fieldConfig.defaults.thresholds.steps.map((x) => x.color)).toEqual(['green', 'red']);
    expect(panels(overview).filter((p) => p.type === 'timeseries')).toHaveLength(8);
    expect(panels(overview).filter((p) => p.type === 'table')).toHaveLength(1);
  });

  it('collector health has a freshness stat per enabled source, red at the stale alert limit', () => {
    const health = dashboards.find((d) => d.uid === 'isms-collectors')!;
    const fresh = panels(health).filter((p) => p.type === 'stat') as (Panel & { fieldConfig: { defaults: { thresholds: { steps: { value: number | null }[] } } } })[];
    expect(fresh.map((p) => p.title)).toEqual(['鮮度: hr', '鮮度: okta', '鮮度: lms', '鮮度: web']);
    // lms runs on weekdays: the longest gap is 3 days, the limit 6 days = 518400 s.
    expect(fresh[2]!.fieldConfig.defaults.thresholds.steps.map((s) => s.value)).toEqual([null, 259200, 518400]);
  });

  it('the register query carries config text verbatim through PromQL (quotes, `$`, Japanese), checked by promtool', () => {
    const o = config.objectives[0]!;
    const expr = registerInfoExpr([{ ...o, id: 'x', title: '費用 $1 "見積"', owner: 'IT $team', deadline: undefined, controls: ['A.5.15', 'A.8.2'] }]);
    const r = testRules('groups: []\n', [{
      input_series: [],
      promql_expr_test: [{
        expr, eval_time: '1m',
        // An empty value removes the label (no deadline here).
        exp_samples: [{ labels: '{objective="x",title="費用 $1 \\"見積\\"",owner="IT $team",controls="A.5.15, A.8.2"}', value: 1 }],
      }],
    }]);
    expect(r.output).toContain('SUCCESS');
    expect(r.ok).toBe(true);
  });

  it('panels do not overlap and stay inside the 24-column grid', () => {
    for (const d of dashboards) {
      const cells = new Set<string>();
      for (const p of d.panels) {
        const g = p.gridPos;
        expect(g.x + g.w).toBeLessThanOrEqual(24);
        for (let x = g.x; x < g.x + g.w; x++) for (let y = g.y; y < g.y + g.h; y++) {
          expect(cells.has(`${x},${y}`), `${d.uid}: ${p.title} overlaps at ${x},${y}`).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
  });

  it('panel ids are unique; every query reads the datasource variable', () => {
    for (const d of dashboards) {
      const ids = d.panels.map((p) => (p as unknown as { id: number }).id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const p of panels(d)) for (const t of p.targets ?? []) expect((t as unknown as { datasource: { uid: string } }).datasource.uid).toBe('${datasource}');
    }
  });

  it('provisioning: a Prometheus datasource and a file provider pointing at the dashboards', () => {
    const ds = parse(files.find((f) => f.path === 'provisioning/datasources/isms-kpi.yml')!.content);
    expect(ds.datasources[0]).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090', uid: 'isms-prometheus' });
    const prov = parse(files.find((f) => f.path === 'provisioning/dashboards/isms-kpi.yml')!.content);
    expect(prov.providers[0]).toMatchObject({ type: 'file', options: { path: '/var/lib/grafana/dashboards/isms-kpi' } });
    const custom = generateDashboards(config, { prometheusUrl: 'http://127.0.0.1:9090', dashboardsPath: '/srv/d' });
    expect(parse(custom.find((f) => f.path.includes('datasources'))!.content).datasources[0].url).toBe('http://127.0.0.1:9090');
    expect(parse(custom.find((f) => f.path.includes('provisioning/dashboards'))!.content).providers[0].options.path).toBe('/srv/d');
  });
});
