/** The in-app notifier's conditions and lifecycle, table-driven, expectations by hand. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { deadlineMillis, evaluateConditions, predictLinear, valueAt, type Sample } from '../../src/alerts/conditions.ts';
import { emptyState, recordHistory, step } from '../../src/alerts/state.ts';
import type { KpiResult } from '../../src/kpi/types.ts';

const config = parseConfig(`
organisation: { name: Org, timeZone: Asia/Tokyo, internalDomains: [example.com], language: en }
sources:
  - { id: hr, kind: hr-roster, path: hr.csv, schedule: "0 * * * *" }
alerting: { for: 10m, drift: { amount: 0.125, window: 1d } }
objectives:
  - { id: train, title: Training, kpi: training-completion-rate, params: { courses: [Basics] }, target: 0.875, warning: 0.75, direction: at_least, period: year, deadline: "2026-12-31", owner: HR }
  - { id: clicks, title: Clicks, kpi: phishing-click-rate, target: 0.125, direction: at_most, period: year }
`, '/tmp/c.yaml', {});

const NOW = new Date('2026-11-25T00:00:00Z');
const DAY = 86400_000;
function result(objective: string, value: number | null, status: KpiResult['status']): KpiResult {
  return {
    objective, kpi: objective === 'train' ? 'training-completion-rate' : 'phishing-click-rate', value, numerator: 0, denominator: value === null ? 0 : 8,
    target: 0.875, direction: 'at_least', status, period: { from: '2026-04-01', to: '2026-11-25' }, failing: [], evaluatedAt: NOW.toISOString(),
  };
}
const fresh = { hr: NOW.toISOString() };
const kinds = (input: Partial<Parameters<typeof evaluateConditions>[0]>) =>
  evaluateConditions({ config, results: [], history: {}, lastSuccess: fresh, since: NOW, now: NOW, ...input }).map((c) => c.key).sort();

describe('conditions', () => {
  it.each([
    ['met', 1, 'met', []],
    ['missed', 0.5, 'missed', ['IsmsObjectiveMissed/train']],
    ['at risk', 0.8, 'at_risk', ['IsmsObjectiveAtRisk/train']],
    ['no data', null, 'no_data', ['IsmsObjectiveNoData/train']],
  ] as const)('%s status', (_, value, status, expected) => {
    // clicks met at 0 throughout, so only train speaks.
    expect(kinds({ results: [result('train', value, status), result('clicks', 0, 'met')] }).filter((k) => !k.includes('Forecast'))).toEqual(expected);
  });

  it('an objective without a result is no_data', () => {
    expect(kinds({ results: [result('train', 1, 'met')] })).toEqual(['IsmsObjectiveNoData/clicks']);
  });

  it('drift compares with the recorded value one window ago; exactly the amount is tolerated', () => {
    const hist = (v: number): Record<string, Sample[]> => ({ train: [{ t: NOW.getTime() - DAY - 1000, v }] });
    const met = (v: number) => [result('train', v, 'met'), result('clicks', 0, 'met')];
    // 1 → 0.875: fell exactly 0.125, not more.
    expect(kinds({ results: met(0.875), history: hist(1) })).toEqual([]);
    // 1 → 0.8125 (at_risk by status, but here we look at drift only): fell 0.1875.
    expect(kinds({ results: [result('train', 0.8125, 'at_risk'), result('clicks', 0, 'met')], history: hist(1) })).toContain('IsmsObjectiveDrift/train');
    // A history younger than the window says nothing about drift (the falling line does forecast a miss).
    expect(kinds({ results: met(0.875), history: { train: [{ t: NOW.getTime() - DAY / 2, v: 1 }] } })).toEqual(['IsmsObjectiveDeadlineForecast/train']);
    // at_most: rising by 0.25 is drift.
    expect(kinds({ results: [result('train', 1, 'met'), result('clicks', 0.25, 'missed')], history: { clicks: [{ t: NOW.getTime() - DAY, v: 0 }] } }))
      .toEqual(['IsmsObjectiveDrift/clicks', 'IsmsObjectiveMissed/clicks']);
  });

  it('deadline forecast: straight line through the window to the end of the deadline day', () => {
    // Deadline 2026-12-31 in Tokyo: ends 2027-01-01T00:00+09:00 = 2026-12-31T15:00Z, 36 days 15 h after NOW.
    expect(deadlineMillis('2026-12-31', 'Asia/Tokyo')).toBe(Date.parse('2026-12-31T15:00:00Z'));
    const flatAt = (v: number) => kinds({ results: [result('train', v, v >= 0.875 ? 'met' : 'at_risk'), result('clicks', 0, 'met')], history: { train: [{ t: NOW.getTime() - DAY / 2, v }] } });
    expect(flatAt(0.875)).toEqual([]);
    expect(flatAt(0.8)).toEqual(['IsmsObjectiveAtRisk/train', 'IsmsObjectiveDeadlineForecast/train']);
    // Improving 0.001 a day from 0.5: 36.6 days on it is about 0.54, still short of 0.875.
    const slow = kinds({ results: [result('train', 0.5, 'missed'), result('clicks', 0, 'met')], history: { train: [{ t: NOW.getTime() - DAY / 2, v: 0.4995 }] } });
    expect(slow).toContain('IsmsObjectiveDeadlineForecast/train');
    // Improving 0.05 a day from 0.5 gets there in 7.5 days.
    const fast = kinds({ results: [result('train', 0.5, 'missed'), result('clicks', 0, 'met')], history: { train: [{ t: NOW.getTime() - DAY / 2, v: 0.475 }] } });
    expect(fast).toEqual(['IsmsObjectiveMissed/train']);
  });

  it('stale evidence: more than twice the schedule (hourly → 2 h) since the last success, or since start when never', () => {
    const ok = [result('train', 1, 'met'), result('clicks', 0, 'met')];
    expect(kinds({ results: ok, lastSuccess: { hr: new Date(NOW.getTime() - 7200_000).toISOString() } })).toEqual([]);
    expect(kinds({ results: ok, lastSuccess: { hr: new Date(NOW.getTime() - 7201_000).toISOString() } })).toEqual(['IsmsEvidenceStale/hr']);
    expect(kinds({ results: ok, lastSuccess: {}, since: new Date(NOW.getTime() - 3600_000) })).toEqual([]);
    expect(kinds({ results: ok, lastSuccess: {}, since: new Date(NOW.getTime() - 3 * 3600_000) })).toEqual(['IsmsEvidenceStale/hr']);
  });

  it('labels and annotations match the Prometheus rules', () => {
    const [c] = evaluateConditions({ config, results: [result('train', 0.5, 'missed'), result('clicks', 0, 'met')], history: {}, lastSuccess: fresh, since: NOW, now: NOW });
    expect(c?.labels).toEqual({ alertname: 'IsmsObjectiveMissed', objective: 'train', kpi: 'training-completion-rate', owner: 'HR', severity: 'critical' });
    expect(c?.annotations).toEqual({
      title: 'Training', summary: 'Objective "Training" is missed (target ≥ 87.5%)', value: '50%',
      evidence_url: 'http://127.0.0.1:9464/objectives/train/evidence',
    });
    expect(c?.forSeconds).toBe(600);
  });

  it('valueAt and predictLinear', () => {
    const s = [{ t: 0, v: 1 }, { t: 1000, v: 2 }, { t: 2000, v: 3 }];
    expect(valueAt(s, 1500)).toBe(2);
    expect(valueAt(s, -1)).toBeUndefined();
    expect(predictLinear(s, 10_000)).toBe(11);
    expect(predictLinear([{ t: 0, v: 1 }], 5)).toBeUndefined();
  });
});

describe('lifecycle', () => {
  const cond = (key: string, forSeconds = 600) => ({ key, kind: 'missed' as const, alertname: 'IsmsObjectiveMissed', labels: { alertname: 'IsmsObjectiveMissed' }, annotations: { summary: key }, forSeconds });
  const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
  const REPEAT = 3600;

  it('pending → firing after `for` → repeat every interval → resolved once', () => {
    let s = emptyState(NOW);
    const run = (minutes: number, conds: ReturnType<typeof cond>[]) => {
      const r = step(s, conds, at(minutes), ['hook'], REPEAT);
      s = r.state;
      return r.notifications.map((n) => `${n.reason}:${n.alert.key}`);
    };
    expect(run(0, [cond('a')])).toEqual([]);
    expect(s.alerts.a?.status).toBe('pending');
    expect(run(9, [cond('a')])).toEqual([]);
    expect(run(10, [cond('a')])).toEqual(['firing:a']);
    expect(run(30, [cond('a')])).toEqual([]); // deduplicated
    expect(run(69, [cond('a')])).toEqual([]);
    expect(run(70, [cond('a')])).toEqual(['repeat:a']);
    expect(run(80, [])).toEqual(['resolved:a']);
    expect(s.alerts.a?.status).toBe('resolved');
    expect(run(90, [])).toEqual([]);
    expect(s.alerts.a).toBeUndefined();
  });

  it('a pending alert that stops holding goes silently; holding again starts a new pending', () => {
    let s = step(emptyState(NOW), [cond('a')], at(0), ['hook'], REPEAT).state;
    const r = step(s, [], at(5), ['hook'], REPEAT);
    expect(r.notifications).toEqual([]);
    expect(r.state.alerts.a).toBeUndefined();
    s = step(r.state, [cond('a')], at(6), ['hook'], REPEAT).state;
    expect(s.alerts.a?.activeSince).toBe(at(6).toISOString());
  });

  it('for 0 fires at once', () => {
    expect(step(emptyState(NOW), [cond('a', 0)], at(0), ['hook'], REPEAT).notifications.map((n) => n.reason)).toEqual(['firing']);
  });

  it('an undelivered alert is retried to the failed webhooks only', () => {
    let s = step(emptyState(NOW), [cond('a', 0)], at(0), ['x', 'y'], REPEAT).state;
    s.alerts.a!.undelivered = ['y'];
    const r = step(s, [cond('a', 0)], at(1), ['x', 'y'], REPEAT);
    expect(r.notifications.map((n) => [n.reason, n.webhooks])).toEqual([['retry', ['y']]]);
    expect(r.state.alerts.a?.undelivered).toBeUndefined();
  });

  it('history keeps one sample at or before the horizon and thins unchanged values', () => {
    let h = recordHistory({}, new Map([['o', 1]]), at(0), 60 * 60_000, 10 * 60_000);
    h = recordHistory(h, new Map([['o', 1]]), at(5), 60 * 60_000, 10 * 60_000); // unchanged, 5 min < 10: skipped
    h = recordHistory(h, new Map([['o', 0.5]]), at(6), 60 * 60_000, 10 * 60_000);
    expect(h.o).toEqual([{ t: at(0).getTime(), v: 1 }, { t: at(6).getTime(), v: 0.5 }]);
    h = recordHistory(h, new Map([['o', 0.5]]), at(200), 60 * 60_000, 10 * 60_000);
    // at(0) is older than the newest pre-horizon sample at(6): dropped.
    expect(h.o).toEqual([{ t: at(6).getTime(), v: 0.5 }, { t: at(200).getTime(), v: 0.5 }]);
  });
});
