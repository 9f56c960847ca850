import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { buildRules, evidenceUrl, generateRules, staleAfterSeconds } from '../../src/alerts/rules.ts';
import { durationSeconds, formatDuration } from '../../src/alerts/duration.ts';
import { DEFAULT_INTERVAL_SECONDS, scheduleIntervalSeconds } from '../../src/alerts/schedule.ts';
import { ConfigError } from '../../src/errors.ts';
import { checkRules } from './promtool.ts';

const FIXTURE = new URL('../fixtures/alerts/config.yaml', import.meta.url).pathname;
const GOLDEN = new URL('../fixtures/alerts/rules.golden.yml', import.meta.url).pathname;
const config = parseConfig(readFileSync(FIXTURE, 'utf8'), FIXTURE, {});

describe('generateRules on the example-like (Japanese) organisation', () => {
  it('matches the reviewed golden file', () => {
    // After an intended change: npx tsx test/fixtures/alerts/regenerate.ts, then review the diff.
    expect(generateRules(config)).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('passes promtool check rules', () => {
    const r = checkRules(generateRules(config));
    expect(r.output).toContain('SUCCESS');
    expect(r.ok).toBe(true);
  });

  it('has one alert of each kind per objective (forecast only with a deadline), one stale alert per enabled source', () => {
    const file = buildRules(config);
    const alerts = file.groups.flatMap((g) => g.rules).filter((r) => 'alert' in r) as { alert: string; labels: Record<string, string> }[];
    const byObjective = (id: string) => alerts.filter((a) => a.labels.objective === id).map((a) => a.alert).sort();
    expect(byObjective('leaver-accounts')).toEqual(['IsmsObjectiveAtRisk', 'IsmsObjectiveDeadlineForecast', 'IsmsObjectiveDrift', 'IsmsObjectiveMissed', 'IsmsObjectiveNoData']);
    expect(byObjective('leaver-logins')).toEqual(['IsmsObjectiveAtRisk', 'IsmsObjectiveDrift', 'IsmsObjectiveMissed', 'IsmsObjectiveNoData']);
    // `old` is disabled.
    expect(alerts.filter((a) => a.alert === 'IsmsEvidenceStale').map((a) => a.labels.source)).toEqual(['hr', 'okta', 'lms', 'web']);
  });

  it('labels carry objective, kpi, owner, controls and severity from the objective overrides', () => {
    const alerts = buildRules(config).groups.flatMap((g) => g.rules) as { alert?: string; for?: string; labels?: Record<string, string> }[];
    const missed = alerts.find((a) => a.alert === 'IsmsObjectiveMissed' && a.labels?.objective === 'leaver-accounts');
    expect(missed?.labels).toEqual({ objective: 'leaver-accounts', kpi: 'stale-account-deletion-rate', owner: '情報システム部', controls: 'A.5.15,A.5.18', severity: 'critical' });
    expect(missed?.for).toBe('1h');
    const trainingMissed = alerts.find((a) => a.alert === 'IsmsObjectiveMissed' && a.labels?.objective === 'training');
    expect(trainingMissed?.for).toBe('15m');
    expect(trainingMissed?.labels?.severity).toBe('critical');
  });

  it('stale limits are twice the longest gap of the schedule', () => {
    const limit = (id: string) => staleAfterSeconds(config.sources.find((s) => s.id === id)!, config.organisation.timeZone);
    expect(limit('hr')).toBe(2 * 86400); // daily at 06:00
    expect(limit('okta')).toBe(2 * 4 * 3600); // every 4 hours
    expect(limit('lms')).toBe(2 * 3 * 86400); // weekdays: Friday → Monday is 3 days
    expect(limit('web')).toBe(2 * DEFAULT_INTERVAL_SECONDS); // no schedule
  });

  it('evidence links use the external URL without a doubled slash, else the HTTP listener', () => {
    expect(evidenceUrl(config, 'leaver-accounts')).toBe('https://isms.example.co.jp/objectives/leaver-accounts/evidence');
    expect(evidenceUrl({ http: { host: '127.0.0.1', port: 9464 } }, 'x')).toBe('http://127.0.0.1:9464/objectives/x/evidence');
  });
});

describe('schedules and durations', () => {
  it.each([
    ['*/15 * * * *', 900],
    ['0 2 * * *', 86400],
    ['0 0 1 * *', 31 * 86400],
    ['0 */5 * * * *', 300], // six fields: seconds first
    ['0 9 * * 1-5', 3 * 86400],
  ])('%s → %d s', (cron, seconds) => {
    expect(scheduleIntervalSeconds(cron, 'Asia/Tokyo')).toBe(seconds);
  });

  it('a bad cron expression is a ConfigError naming the field', () => {
    expect(() => scheduleIntervalSeconds('61 * * * *', 'UTC', 'sources.hr.schedule')).toThrow(ConfigError);
    expect(() => scheduleIntervalSeconds('61 * * * *', 'UTC', 'sources.hr.schedule')).toThrow(/sources\.hr\.schedule/);
  });

  it.each([
    ['15m', 900], ['4h', 14400], ['7d', 604800], ['1h30m', 5400], ['2w', 1209600], ['500ms', 0.5],
  ])('duration %s = %d s', (text, seconds) => {
    expect(durationSeconds(text)).toBe(seconds);
  });

  it.each(['', '15', '15 m', 'm15', '1.5h', '4hours'])('rejects %j', (text) => {
    expect(() => durationSeconds(text, 'alerting.for')).toThrow(ConfigError);
  });

  it.each([[172800, '2d'], [5400, '1h30m'], [1200, '20m'], [691200, '1w1d'], [0, '0s']])('formats %d s as %s', (s, text) => {
    expect(formatDuration(s)).toBe(text);
  });
});
