/**
 * Reading an objective's `params` (free-form in the schema) with types and defaults. A wrong
 * type is a config problem, reported with the objective and field.
 */
import { ConfigError } from '../errors.ts';
import type { KpiContext } from './types.ts';

function bad(ctx: KpiContext, name: string, expected: string): never {
  throw new ConfigError([
    { file: 'config', path: `objectives[id=${ctx.objective.id}].params.${name}`, message: `expected ${expected}` },
  ]);
}

export function numberParam(ctx: KpiContext, name: string, dflt: number, opts: { min?: number } = {}): number {
  const v = ctx.objective.params[name];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || (opts.min !== undefined && v < opts.min)) {
    bad(ctx, name, opts.min !== undefined ? `a number ≥ ${opts.min}` : 'a number');
  }
  return v;
}

export function optionalNumberParam(ctx: KpiContext, name: string, opts: { min?: number } = {}): number | undefined {
  const v = ctx.objective.params[name];
  if (v === undefined || v === null) return undefined;
  return numberParam(ctx, name, 0, opts);
}

export function booleanParam(ctx: KpiContext, name: string, dflt: boolean): boolean {
  const v = ctx.objective.params[name];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'boolean') bad(ctx, name, 'true or false');
  return v;
}

/** A list of strings; a single string is accepted as a list of one. */
export function stringListParam(ctx: KpiContext, name: string): string[] | undefined {
  const v = ctx.objective.params[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) bad(ctx, name, 'a list of strings');
  return v as string[];
}

/** Departments to keep: `params.departments`, else `scope.departments`; undefined = all. */
export function departmentFilter(ctx: KpiContext): Set<string> | undefined {
  const list = stringListParam(ctx, 'departments') ?? ctx.objective.scope?.departments;
  return list && list.length > 0 ? new Set(list.map(normText)) : undefined;
}

/** Groups to keep: `params.groups`, else `scope.groups`; undefined = all. */
export function groupFilter(ctx: KpiContext): Set<string> | undefined {
  const list = stringListParam(ctx, 'groups') ?? ctx.objective.scope?.groups;
  return list && list.length > 0 ? new Set(list.map(normText)) : undefined;
}

// Course, department and group names repeat across many records: normalise each once.
const normCache = new Map<string, string>();

/** Names compare after NFKC (full-width / half-width forms), trimming and case folding. */
export function normText(s: string): string {
  let n = normCache.get(s);
  if (n === undefined) {
    n = s.normalize('NFKC').trim().toLowerCase();
    if (normCache.size > 50_000) normCache.clear();
    normCache.set(s, n);
  }
  return n;
}
