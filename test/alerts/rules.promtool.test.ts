/**
 * The generated rules run on Debian's real promtool: syntax (`check rules`) and behaviour
 * (`test rules` with input series) for every alert kind, at the boundaries. Expected labels and
 * annotations are written by hand from the config below.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { generateRules } from '../../src/alerts/rules.ts';
import { checkRules, testRules, type AlertCase, type RuleTest } from './promtool.ts';

const CONFIG = `
organisation: { name: Test Org, timeZone: UTC, internalDomains: [example.com], language: en }
http: { externalUrl: "https://isms.test/" }
sources:
  - { id: hr, kind: hr-roster, path: hr.csv, schedule: "*/10 * * * *" }
alerting: { for: 5m, drift: { amount: 0.125, window: 1h } }
objectives:
  - id: train
    title: Training done
    kpi: training-completion-rate
    params: { courses: [Basics] }
    target: 0.875
    direction: at_least
    warning: 0.75
    period: year
    owner: Security team
    deadline: "2027-03-31"
    controls: [A.6.3]
  - id: clicks
    title: Phishing clicks
    kpi: phishing-click-rate
    target: 0.125
    direction: at_most
    period: quarter
    deadline: "2027-03-31"
    alerts: { severity: info }
`;
const rules = generateRules(parseConfig(CONFIG, '/tmp/test.yaml', {}));

const train = (severity: string, extra: Record<string, string> = {}) => ({
  objective: 'train', kpi: 'training-completion-rate', owner: 'Security team', controls: 'A.6.3', severity, ...extra,
});
const clicks = (extra: Record<string, string> = {}) => ({ objective: 'clicks', kpi: 'phishing-click-rate', severity: 'info', ...extra });
const trainAnn = (summary: string, description: string) => ({
  title: 'Training done', summary, description, evidence_url: 'https://isms.test/objectives/train/evidence',
});
const clicksAnn = (summary: string, description: string) => ({
  title: 'Phishing clicks', summary, description, evidence_url: 'https://isms.test/objectives/clicks/evidence',
});
const TRAIN_VALUE = 'isms_objective_kpi_value{objective="train",kpi="training-completion-rate"}';
const CLICKS_VALUE = 'isms_objective_kpi_value{objective="clicks",kpi="phishing-click-rate"}';
const DEADLINES = [
  // Deadline at 3h after the test's epoch; promtool's time() starts at 0.
  { series: 'isms_objective_deadline_timestamp_seconds{objective="train"}', values: '10800x200' },
  { series: 'isms_objective_deadline_timestamp_seconds{objective="clicks"}', values: '10800x200' },
];

function expectPass(tests: RuleTest[]): void {
  const r = testRules(rules, tests);
  expect(r.output).toContain('SUCCESS');
  expect(r.ok).toBe(true);
}
const none = (alertname: string, eval_time: string): AlertCase => ({ alertname, eval_time, exp_alerts: [] });

describe('generated rules on promtool', () => {
  it('pass promtool check rules', () => {
    const r = checkRules(rules);
    expect(r.output).toContain('SUCCESS: 16 rules found'); // 5 recording + 5 per objective with a deadline × 2 + 1 per source
    expect(r.ok).toBe(true);
  });

  it('the harness fails on a wrong expectation (so the tests below can fail)', () => {
    const r = testRules(rules, [{
      input_series: [{ series: 'isms_objective_status{objective="train",status="missed"}', values: '0x20' }],
      alert_rule_test: [{ alertname: 'IsmsObjectiveMissed', eval_time: '15m', exp_alerts: [{ exp_labels: train('critical', { status: 'missed' }) }] }],
    }]);
    expect(r.ok).toBe(false);
  });

  it('IsmsObjectiveMissed: fires after `for`, not before, not when the status is 0', () => {
    expectPass([{
      input_series: [
        { series: 'isms_objective_status{objective="train",status="missed"}', values: '1x20' },
        { series: 'isms_objective_status{objective="clicks",status="missed"}', values: '0x20' },
        { series: TRAIN_VALUE, values: '0.5x20' },
      ],
      alert_rule_test: [
        none('IsmsObjectiveMissed', '4m'),
        {
          alertname: 'IsmsObjectiveMissed', eval_time: '10m',
          exp_alerts: [{
            exp_labels: train('critical', { status: 'missed' }),
            exp_annotations: trainAnn('Objective "Training done" is missed (target ≥ 87.5%)', 'Current value: 50%'),
          }],
        },
      ],
    }]);
  });

  it('IsmsObjectiveAtRisk: fires on the at_risk status with the milder severity', () => {
    expectPass([{
      input_series: [
        { series: 'isms_objective_status{objective="train",status="at_risk"}', values: '1x20' },
        { series: TRAIN_VALUE, values: '0.8x20' },
      ],
      alert_rule_test: [{
        alertname: 'IsmsObjectiveAtRisk', eval_time: '10m',
        exp_alerts: [{
          exp_labels: train('warning', { status: 'at_risk' }),
          exp_annotations: trainAnn('Objective "Training done" is at risk (target ≥ 87.5%)', 'Current value: 80%'),
        }],
      }],
    }]);
  });

  it('IsmsObjectiveDrift (at_least): a fall of exactly the amount does not fire, one step more does', () => {
    expectPass([
      { input_series: [{ series: TRAIN_VALUE, values: '1x60 0.875x30' }], alert_rule_test: [none('IsmsObjectiveDrift', '80m')] },
      {
        input_series: [{ series: TRAIN_VALUE, values: '1x60 0.8125x30' }],
        alert_rule_test: [
          none('IsmsObjectiveDrift', '64m'),
          {
            alertname: 'IsmsObjectiveDrift', eval_time: '80m',
            exp_alerts: [{
              exp_labels: train('warning'),
              exp_annotations: trainAnn('Objective "Training done": the KPI fell by more than 12.5% within 1h', 'Change over 1h: -18.75%; Current value: 81.25%'),
            }],
          },
        ],
      },
      // Rising is never drift for at_least, however far.
      { input_series: [{ series: TRAIN_VALUE, values: '0.25x60 1x30' }], alert_rule_test: [none('IsmsObjectiveDrift', '80m')] },
    ]);
  });

  it('IsmsObjectiveDrift (at_most): a rise beyond the amount fires, a fall does not', () => {
    expectPass([
      { input_series: [{ series: CLICKS_VALUE, values: '0x60 0.125x30' }], alert_rule_test: [none('IsmsObjectiveDrift', '80m')] },
      {
        input_series: [{ series: CLICKS_VALUE, values: '0x60 0.25x30' }],
        alert_rule_test: [{
          alertname: 'IsmsObjectiveDrift', eval_time: '80m',
          exp_alerts: [{
            exp_labels: clicks(),
            exp_annotations: clicksAnn('Objective "Phishing clicks": the KPI rose by more than 12.5% within 1h', 'Change over 1h: 25%; Current value: 25%'),
          }],
        }],
      },
      { input_series: [{ series: CLICKS_VALUE, values: '0.5x60 0x30' }], alert_rule_test: [none('IsmsObjectiveDrift', '80m')] },
    ]);
  });

  it('IsmsObjectiveDeadlineForecast (at_least): flat at target no, flat below yes, improving too slowly yes, fast enough no, deadline past no', () => {
    const forecast = (values: string, deadline = '10800x200'): RuleTest['input_series'] => [
      { series: TRAIN_VALUE, values },
      { series: 'isms_objective_deadline_timestamp_seconds{objective="train"}', values: deadline },
    ];
    const summary = 'Objective "Training done" will not reach its target ≥ 87.5% by its deadline 2027-03-31 at the current trend';
    expectPass([
      { input_series: forecast('0.875x100'), alert_rule_test: [none('IsmsObjectiveDeadlineForecast', '70m')] },
      {
        input_series: forecast('0.75x100'),
        alert_rule_test: [{
          alertname: 'IsmsObjectiveDeadlineForecast', eval_time: '70m',
          exp_alerts: [{ exp_labels: train('warning'), exp_annotations: trainAnn(summary, 'Forecast at the deadline: 75%; Current value: 75%') }],
        }],
      },
      {
        // +1/1024 a minute from 0.5: at 70m the value is 0.568359375 and 110 minutes remain,
        // so the line reaches 0.5 + 180/1024 = 0.67578125 at the deadline — still below 0.875.
        input_series: forecast('0.5+0.0009765625x100'),
        alert_rule_test: [{
          alertname: 'IsmsObjectiveDeadlineForecast', eval_time: '70m',
          exp_alerts: [{ exp_labels: train('warning'), exp_annotations: trainAnn(summary, 'Forecast at the deadline: 67.58%; Current value: 56.84%') }],
        }],
      },
      // +1/256 a minute from 0.5 reaches 0.5 + 180/256 > 0.875 by the deadline.
      { input_series: forecast('0.5+0.00390625x100'), alert_rule_test: [none('IsmsObjectiveDeadlineForecast', '70m')] },
      // Deadline (30m) already past at 70m: no forecast, the missed alert speaks instead.
      { input_series: forecast('0.75x100', '1800x200'), alert_rule_test: [none('IsmsObjectiveDeadlineForecast', '70m')] },
    ]);
  });

  it('IsmsObjectiveDeadlineForecast (at_most): flat at target no, flat above yes', () => {
    expectPass([
      { input_series: [{ series: CLICKS_VALUE, values: '0.125x100' }, DEADLINES[1]!], alert_rule_test: [none('IsmsObjectiveDeadlineForecast', '70m')] },
      {
        input_series: [{ series: CLICKS_VALUE, values: '0.25x100' }, DEADLINES[1]!],
        alert_rule_test: [{
          alertname: 'IsmsObjectiveDeadlineForecast', eval_time: '70m',
          exp_alerts: [{
            exp_labels: clicks(),
            exp_annotations: clicksAnn('Objective "Phishing clicks" will not reach its target ≤ 12.5% by its deadline 2027-03-31 at the current trend', 'Forecast at the deadline: 25%; Current value: 25%'),
          }],
        }],
      },
    ]);
  });

  it('IsmsObjectiveNoData: on the no_data status and when the objective is absent', () => {
    const description = 'The population is empty or the objective was not evaluated; check the sources and their collection.';
    expectPass([
      {
        input_series: [
          { series: 'isms_objective_status{objective="train",status="no_data"}', values: '1x20' },
          { series: 'isms_objective_status{objective="clicks",status="no_data"}', values: '0x20' },
          { series: 'isms_objective_status{objective="clicks",status="met"}', values: '1x20' },
        ],
        alert_rule_test: [{
          alertname: 'IsmsObjectiveNoData', eval_time: '10m',
          exp_alerts: [{ exp_labels: train('warning', { status: 'no_data' }), exp_annotations: trainAnn('Objective "Training done" has no data to measure', description) }],
        }],
      },
      {
        input_series: [{ series: 'isms_objective_status{objective="train",status="met"}', values: '1x20' }],
        alert_rule_test: [{
          alertname: 'IsmsObjectiveNoData', eval_time: '10m',
          exp_alerts: [{ exp_labels: clicks(), exp_annotations: clicksAnn('Objective "Phishing clicks" has no data to measure', description) }],
        }],
      },
    ]);
  });

  it('IsmsEvidenceStale: limit is twice the schedule (10m → 1200 s); exactly at the limit does not fire', () => {
    const ann = (last: string) => ({ summary: 'Source "hr" has not collected successfully for more than 20m (evidence is stale)', description: `Last success: ${last}` });
    expectPass([
      // Last success always exactly 1200 s ago.
      { input_series: [{ series: 'isms_collector_last_success_timestamp_seconds{source="hr"}', values: '-1200+60x60' }], alert_rule_test: [none('IsmsEvidenceStale', '30m')] },
      {
        // Always 1260 s ago: stale from the start; at 30m the last success was at 540 s.
        input_series: [{ series: 'isms_collector_last_success_timestamp_seconds{source="hr"}', values: '-1260+60x60' }],
        alert_rule_test: [
          none('IsmsEvidenceStale', '4m'),
          { alertname: 'IsmsEvidenceStale', eval_time: '30m', exp_alerts: [{ exp_labels: { source: 'hr', severity: 'warning' }, exp_annotations: ann('1970-01-01 00:09:00 +0000 UTC') }] },
        ],
      },
      {
        // Never succeeded: absent.
        input_series: [{ series: 'isms_collector_runs_total{source="hr",result="failure"}', values: '1x60' }],
        alert_rule_test: [{ alertname: 'IsmsEvidenceStale', eval_time: '10m', exp_alerts: [{ exp_labels: { source: 'hr', severity: 'warning' }, exp_annotations: ann('never') }] }],
      },
    ]);
  });

  it('recording rule isms:objective_kpi_margin is positive on the good side for both directions', () => {
    expectPass([{
      input_series: [
        { series: TRAIN_VALUE, values: '0.75x5' },
        { series: 'isms_objective_target{objective="train",kpi="training-completion-rate",direction="at_least"}', values: '0.875x5' },
        { series: CLICKS_VALUE, values: '0x5' },
        { series: 'isms_objective_target{objective="clicks",kpi="phishing-click-rate",direction="at_most"}', values: '0.125x5' },
      ],
      promql_expr_test: [{
        expr: 'isms:objective_kpi_margin',
        eval_time: '2m',
        exp_samples: [
          { labels: 'isms:objective_kpi_margin{objective="train",kpi="training-completion-rate"}', value: -0.125 },
          { labels: 'isms:objective_kpi_margin{objective="clicks",kpi="phishing-click-rate"}', value: 0.125 },
        ],
      }],
    }]);
  });

  it('a title or owner containing template braces is printed literally, not expanded', () => {
    const odd = generateRules(parseConfig(`
organisation: { name: Org, timeZone: UTC, internalDomains: [example.com] }
objectives:
  - { id: odd, title: "Odd {{ $value }} }} title", owner: "{{ team }}", kpi: mfa-coverage, target: 1, direction: at_least, period: month }
`, '/tmp/odd.yaml', {}));
    const r = testRules(odd, [{
      input_series: [{ series: 'isms_objective_status{objective="odd",status="missed"}', values: '1x20' }],
      alert_rule_test: [{
        alertname: 'IsmsObjectiveMissed', eval_time: '20m',
        exp_alerts: [{
          exp_labels: { objective: 'odd', kpi: 'mfa-coverage', owner: '{{ team }}', severity: 'critical', status: 'missed' },
          exp_annotations: {
            title: 'Odd {{ $value }} }} title',
            summary: 'Objective "Odd {{ $value }} }} title" is missed (target ≥ 100%)',
            description: 'Current value: -',
            evidence_url: 'http://127.0.0.1:9464/objectives/odd/evidence',
          },
        }],
      }],
    }]);
    expect(r.output).toContain('SUCCESS');
    expect(r.ok).toBe(true);
  });

  it('recording rule isms:objective_status_code: met 3, at_risk 2, missed 1, no_data 0', () => {
    const status = (objective: string, current: string) =>
      ['met', 'at_risk', 'missed', 'no_data'].map((s) => ({ series: `isms_objective_status{objective="${objective}",status="${s}"}`, values: s === current ? '1x5' : '0x5' }));
    expectPass([{
      input_series: [...status('a', 'met'), ...status('b', 'at_risk'), ...status('c', 'missed'), ...status('d', 'no_data')],
      promql_expr_test: [{
        expr: 'isms:objective_status_code',
        eval_time: '2m',
        exp_samples: [
          { labels: 'isms:objective_status_code{objective="a"}', value: 3 },
          { labels: 'isms:objective_status_code{objective="b"}', value: 2 },
          { labels: 'isms:objective_status_code{objective="c"}', value: 1 },
          { labels: 'isms:objective_status_code{objective="d"}', value: 0 },
        ],
      }],
    }]);
  });
});
