/**
 * `evidence <objective>`: the failing subjects as something an IT person can act on — one column
 * per fact the KPI gives about them (account, owner, department, stale since, deadline, days
 * overdue, source for stale accounts; sender, external recipients and attachments for mail; …),
 * worst first, headers in the organisation's language, times in its zone; or counts per owner,
 * department or reason (`--group-by`). JSON is the KPI result itself.
 */
import { messages, type Messages } from '../i18n/catalogue.ts';
import type { FailingSubject, KpiResult } from '../kpi/types.ts';
import { spreadsheetCsv, type CsvCell } from './csv.ts';
import { formatTarget, formatValue, type Format } from './format.ts';
import { table } from './table.ts';
import { localMinute, zonedIso, type View } from './view.ts';

export const GROUP_BY = ['owner', 'department', 'reason'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

type Detail = FailingSubject['details'][string];
type Kind = 'text' | 'instant' | 'number' | 'flag' | 'staleKind';

/** The order of the facts KPIs give; keys not listed come after these, before the reason. */
const ORDER = [
  'owner', 'department', 'employeeId', 'kind', 'staleSince', 'deadline', 'daysOverdue', 'disabledAt', 'lastEvent', 'count',
  'date', 'sender', 'externalRecipientDomains', 'unencryptedAttachments', 'campaign', 'clicked', 'submitted', 'reported',
  'detectedAt', 'due', 'reportedAt', 'severity', 'missing', 'passwordChangedAt', 'serviceAccount', 'source',
];
/** Facts for the record (CSV, JSON) rather than for acting on: left out of the table. */
const TABLE_HIDDEN = new Set(['accountId', 'disabledAtFrom', 'where', 'partialDay', 'reasons', 'tooLarge', 'failedAtFrom', 'decidedAtFrom']);
const KINDS: Record<string, Kind> = {
  staleSince: 'instant', deadline: 'instant', disabledAt: 'instant', lastEvent: 'instant', date: 'instant', detectedAt: 'instant',
  due: 'instant', reportedAt: 'instant', passwordChangedAt: 'instant', daysOverdue: 'number', count: 'number', kind: 'staleKind',
  firstSeen: 'instant', fixedAt: 'instant', lastScan: 'instant', slotStart: 'instant', slotEnd: 'instant', graceEnd: 'instant', performedAt: 'instant', performedLateAt: 'instant',
  failedAt: 'instant', lastFailedAt: 'instant', completedAt: 'instant', firstAt: 'instant', lastAt: 'instant', decidedAt: 'instant',
};

interface Column {
  key: string;
  header: string;
  kind: Kind;
}

const present = (v: Detail | undefined): boolean => v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0);

function columnsOf(subjects: readonly FailingSubject[], t: Messages, forTable: boolean): Column[] {
  const keys = new Set<string>();
  for (const s of subjects) for (const [k, v] of Object.entries(s.details)) if (present(v)) keys.add(k);
  const ordered = [...ORDER.filter((k) => keys.has(k)), ...[...keys].filter((k) => !ORDER.includes(k)).sort()];
  const headers = t.cli.column as Record<string, string>;
  return ordered
    .filter((k) => !forTable || !TABLE_HIDDEN.has(k))
    .map((key) => {
      const sample = subjects.find((s) => present(s.details[key]))?.details[key];
      const kind: Kind = KINDS[key] ?? (typeof sample === 'boolean' ? 'flag' : typeof sample === 'number' ? 'number' : 'text');
      return { key, header: headers[key] ?? key, kind };
    });
}

function cell(v: Detail | undefined, c: Column, t: Messages, zone: string, csv: boolean): CsvCell {
  if (!present(v)) return csv ? null : '';
  if (Array.isArray(v)) return v.join(', ');
  if (typeof v === 'boolean') return v ? t.cli.evidence.yes : t.cli.evidence.no;
  if (typeof v === 'number') return csv ? v : String(v);
  const s = String(v);
  if (c.kind === 'instant') return csv ? zonedIso(s, zone) : localMinute(s, zone);
  if (c.kind === 'staleKind') return (t.cli.staleKind as Record<string, string>)[s] ?? s;
  return s;
}

/** Most days overdue first; subjects without a figure keep the KPI's order, after those with one. */
export function worstFirst(subjects: readonly FailingSubject[]): FailingSubject[] {
  const overdue = (s: FailingSubject): number => (typeof s.details.daysOverdue === 'number' ? s.details.daysOverdue : -Infinity);
  return subjects.map((s, i) => ({ s, i })).sort((a, b) => overdue(b.s) - overdue(a.s) || a.i - b.i).map((x) => x.s);
}

/**
 * The reason without its figures: the text before the first `, ` / `: ` / `; `, with instants
 * and free-standing numbers replaced, so "still enabled, 4 day(s) past its deadline" and
 * "still enabled, 9 day(s) …" are one group.
 */
export function reasonGroup(reason: string): string {
  const head = reason.split(/, |: |; /)[0] ?? reason;
  return head
    .replace(/\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:\d{2})?/g, '…')
    .replace(/(?<![\p{L}\p{N}])\d+(?:\.\d+)?(?![\p{L}\p{N}])/gu, 'N')
    .trim();
}

export interface EvidenceGroup {
  group: string | null;
  count: number;
  /** The most days overdue in the group, when the KPI counts them. */
  maxDaysOverdue?: number;
}

export function groupSubjects(subjects: readonly FailingSubject[], by: GroupBy): EvidenceGroup[] {
  const groups = new Map<string | null, EvidenceGroup>();
  for (const s of subjects) {
    const raw = by === 'reason' ? reasonGroup(s.reason) : s.details[by];
    const key = present(raw) ? (Array.isArray(raw) ? raw.join(', ') : String(raw)) : null;
    const g = groups.get(key) ?? { group: key, count: 0 };
    g.count++;
    const d = s.details.daysOverdue;
    if (typeof d === 'number') g.maxDaysOverdue = Math.max(g.maxDaysOverdue ?? d, d);
    groups.set(key, g);
  }
  const name = (g: EvidenceGroup) => g.group ?? '\uffff';
  return [...groups.values()].sort((a, b) => b.count - a.count || (b.maxDaysOverdue ?? -1) - (a.maxDaysOverdue ?? -1) || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
}

function headline(result: KpiResult, title: string, t: Messages, view: View): string {
  const e = t.cli.evidence;
  return [
    `${result.objective} — ${title}`,
    `${result.kpi}: ${e.summary(formatValue(result.kpi, result.value), result.numerator, result.denominator, formatTarget(result), t.common.status[result.status])}`,
    e.period(localMinute(result.period.from, view.timeZone), localMinute(result.period.to, view.timeZone), view.timeZone),
    e.failingCount(result.failing.length),
  ].join('\n');
}

function subjectTable(subjects: readonly FailingSubject[], t: Messages, view: View): string {
  const cols = columnsOf(subjects, t, true);
  const type = subjects[0]?.type ?? 'account';
  const header = [t.cli.subject[type], ...cols.map((c) => c.header), t.cli.column.reason];
  const rows = subjects.map((s) => [s.id, ...cols.map((c) => String(cell(s.details[c.key], c, t, view.timeZone, false))), s.reason]);
  const truncatable = [false, ...cols.map((c) => c.kind === 'text'), true];
  return table(header, rows, { width: view.width, truncatable });
}

function groupTable(groups: readonly EvidenceGroup[], by: GroupBy, t: Messages, view: View): string {
  const withOverdue = groups.some((g) => g.maxDaysOverdue !== undefined);
  const header = [t.cli.column[by], t.cli.evidence.count, ...(withOverdue ? [t.cli.column.daysOverdue] : [])];
  const rows = groups.map((g) => [g.group ?? t.cli.evidence.noGroup, String(g.count), ...(withOverdue ? [g.maxDaysOverdue === undefined ? '' : String(g.maxDaysOverdue)] : [])]);
  return table(header, rows, { width: view.width, truncatable: [true, false, false] });
}

export interface EvidenceOptions {
  groupBy?: GroupBy;
}

export function formatEvidence(format: Format, result: KpiResult, title: string, view: View, opts: EvidenceOptions = {}): string {
  const t = messages(view.language);
  const subjects = worstFirst(result.failing);
  if (opts.groupBy) {
    const groups = groupSubjects(subjects, opts.groupBy);
    if (format === 'json') return `${JSON.stringify({ objective: result.objective, title, groupBy: opts.groupBy, groups }, null, 2)}\n`;
    if (format === 'csv') {
      return spreadsheetCsv([
        [t.cli.column[opts.groupBy], t.cli.evidence.count, t.cli.column.daysOverdue],
        ...groups.map((g) => [g.group, g.count, g.maxDaysOverdue ?? null]),
      ]);
    }
    return `${headline(result, title, t, view)}\n\n${groupTable(groups, opts.groupBy, t, view)}`;
  }
  if (format === 'json') return `${JSON.stringify({ ...result, failing: subjects, title }, null, 2)}\n`;
  if (format === 'csv') {
    const cols = columnsOf(subjects, t, false);
    const type = subjects[0]?.type ?? 'account';
    return spreadsheetCsv([
      [t.cli.subject[type], ...cols.map((c) => c.header), t.cli.column.reason],
      ...subjects.map((s) => [s.id, ...cols.map((c) => cell(s.details[c.key], c, t, view.timeZone, true)), s.reason]),
    ]);
  }
  const body = subjects.length === 0 ? `${t.cli.evidence.noFailing}\n` : subjectTable(subjects, t, view);
  const notes = result.notes?.length ? `\n${t.cli.evidence.listedApart}\n${subjectTable(result.notes, t, view)}` : '';
  return `${headline(result, title, t, view)}\n\n${body}${notes}`;
}
