/**
 * The failing-subjects table of an objective, for any KPI: columns from the subjects
 * themselves (subject, reason, then every detail the KPI gives), filtered, searched and sorted
 * on the server from query parameters — so it is complete and usable without any script — and
 * the same rows for the CSV and XLSX downloads. Pure.
 */
import { messages, type Language } from '../i18n/catalogue.ts';
import { reasonGroup, reasonText } from '../i18n/reasons.ts';
import type { FailingSubject } from '../kpi/types.ts';
import { detailLabel, formatDetail } from './format.ts';

/** Columns a subject list can be filtered on, when its subjects carry them. */
export const FILTER_KEYS = ['department', 'owner', 'source', 'reason'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

export interface TableQuery {
  q?: string;
  sort?: string;
  dir?: 'asc' | 'desc';
  page?: number;
  filters: Partial<Record<FilterKey, string>>;
}

export interface Column {
  key: string;
  label: string;
  numeric: boolean;
}

export interface Row {
  /** Display text per column key. */
  cells: Record<string, string>;
  /** The reason without its numbers: what the reason filter and the report's counts group by. */
  reasonGroup: string;
  /** Sort (and XLSX) values per column key: numbers stay numbers. */
  raw: Record<string, string | number>;
}

export interface FailingTable {
  columns: Column[];
  /** The rows of the current page. */
  rows: Row[];
  /** Every row passing the filters (downloads take these). */
  allRows: Row[];
  total: number;
  filters: { key: FilterKey; label: string; options: string[]; selected: string }[];
  query: Required<Omit<TableQuery, 'filters' | 'page'>> & { filters: Partial<Record<FilterKey, string>>; page: number };
  pages: number;
}

export const PAGE_SIZE = 500;

/** Parse the table's query parameters (anything else is ignored). */
export function tableQuery(params: Record<string, unknown>): TableQuery {
  const str = (k: string): string | undefined => {
    const v = params[k];
    const s = Array.isArray(v) ? v[0] : v;
    return typeof s === 'string' && s.trim() !== '' ? s.trim().slice(0, 200) : undefined;
  };
  const filters: Partial<Record<FilterKey, string>> = {};
  for (const k of FILTER_KEYS) {
    const v = str(k);
    if (v !== undefined) filters[k] = v;
  }
  const dir = str('dir');
  const page = Number(str('page') ?? '1');
  return {
    q: str('q'),
    sort: str('sort'),
    dir: dir === 'asc' || dir === 'desc' ? dir : undefined,
    page: Number.isInteger(page) && page >= 1 ? page : 1,
    filters,
  };
}

const fold = (s: string) => s.normalize('NFKC').toLowerCase();

function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
}

export function failingTable(subjects: readonly FailingSubject[], query: TableQuery, lang: Language, zone: string): FailingTable {
  const t = messages(lang).pages.objective;
  const detailKeys: string[] = [];
  const seen = new Set<string>();
  for (const s of subjects) {
    for (const [k, v] of Object.entries(s.details)) {
      if (seen.has(k) || isEmpty(v)) continue;
      seen.add(k);
      detailKeys.push(k);
    }
  }
  const types = new Set(subjects.map((s) => s.type));
  const columns: Column[] = [
    { key: 'id', label: t.subject, numeric: false },
    ...(types.size > 1 ? [{ key: 'type', label: t.type, numeric: false }] : []),
    { key: 'reason', label: t.reason, numeric: false },
    ...detailKeys.map((k) => ({ key: k, label: detailLabel(k, lang), numeric: subjects.some((s) => typeof s.details[k] === 'number') })),
  ];

  const all: Row[] = subjects.map((s) => {
    const cells: Record<string, string> = { id: s.id, type: formatDetail('type', s.type, lang, zone), reason: reasonText(s, lang) };
    const raw: Record<string, string | number> = { id: s.id, type: s.type, reason: cells.reason! };
    for (const k of detailKeys) {
      const v = s.details[k];
      cells[k] = formatDetail(k, v, lang, zone);
      raw[k] = typeof v === 'number' ? v : cells[k]!;
    }
    return { cells, raw, reasonGroup: reasonGroup(s, lang) };
  });

  const filters = FILTER_KEYS.filter((k) => k === 'reason' || detailKeys.includes(k)).map((key) => {
    const options = [...new Set(all.map((r) => (key === 'reason' ? r.reasonGroup : r.cells[key]!)).filter((v) => v !== undefined))].sort((a, b) => a.localeCompare(b, lang));
    return { key, label: key === 'reason' ? t.reason : detailLabel(key, lang), options, selected: query.filters[key] ?? '' };
  });

  const q = query.q ? fold(query.q) : undefined;
  let rows = all.filter((r) => {
    for (const f of filters) if (f.selected && (f.key === 'reason' ? r.reasonGroup : r.cells[f.key]) !== f.selected) return false;
    return !q || columns.some((c) => fold(r.cells[c.key] ?? '').includes(q));
  });

  // Days overdue first (the longest overdue on top) when the KPI gives them; else the KPI's order.
  const defaultSort = detailKeys.includes('daysOverdue') ? 'daysOverdue' : '';
  const sort = query.sort && columns.some((c) => c.key === query.sort) ? query.sort : defaultSort;
  const dir = query.dir ?? (sort === defaultSort && sort !== '' ? 'desc' : 'asc');
  if (sort) {
    const sign = dir === 'desc' ? -1 : 1;
    rows = rows
      .map((r, i) => ({ r, i }))
      .sort((a, b) => {
        const x = a.r.raw[sort];
        const y = b.r.raw[sort];
        const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x ?? '').localeCompare(String(y ?? ''), lang);
        return c !== 0 ? sign * c : a.i - b.i;
      })
      .map(({ r }) => r);
  }
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  const page = Math.min(query.page ?? 1, pages);
  return {
    columns,
    rows: rows.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE),
    allRows: rows,
    total: subjects.length,
    filters,
    query: { q: query.q ?? '', sort, dir, page, filters: query.filters },
    pages,
  };
}
