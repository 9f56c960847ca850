/**
 * Finding our fields among a file's headers. Headers come in any language and spelling
 * (`Employee ID`, `employee_id`, `社員番号`), so each field has default header names matched
 * case-, space- and punctuation-insensitively (after Unicode NFKC, so full-width `ＩＤ` is `ID`);
 * a source's `columns` mapping names the header exactly and overrides the defaults.
 */

/** What a collector expects of one field. */
export interface FieldSpec {
  /** Header names tried when the config does not map the field. */
  defaults: readonly string[];
  /** The file is unusable without it. */
  required?: boolean;
}

export type FieldSpecs<F extends string> = Record<F, FieldSpec>;

/** A header reduced to what identifies it: NFKC, lower case, no spaces, `_`, `-`, `.`, `/` or brackets' padding. */
export function normaliseHeader(h: string): string {
  return h.normalize('NFKC').toLowerCase().replace(/[\s_\-./:：]+/g, '');
}

/** Where each field sits in a row, and which required fields are missing. */
export interface ColumnResolution<F extends string> {
  index: Partial<Record<F, number>>;
  missing: F[];
}

/**
 * Resolve fields to column indexes. A field mapped in `mapping` must be found (exactly, else
 * normalised), and is required, since the user asked for it; unmapped fields try their defaults.
 */
export function resolveColumns<F extends string>(
  headers: readonly string[],
  specs: FieldSpecs<F>,
  mapping: Readonly<Record<string, string>> = {},
): ColumnResolution<F> {
  const exact = new Map<string, number>();
  const loose = new Map<string, number>();
  headers.forEach((h, i) => {
    const t = h.trim();
    if (!exact.has(t)) exact.set(t, i);
    const n = normaliseHeader(t);
    if (!loose.has(n)) loose.set(n, i);
  });
  const index: Partial<Record<F, number>> = {};
  const missing: F[] = [];
  for (const field of Object.keys(specs) as F[]) {
    const spec = specs[field];
    const mapped = mapping[field];
    let at: number | undefined;
    if (mapped !== undefined) {
      at = exact.get(mapped.trim()) ?? loose.get(normaliseHeader(mapped));
    } else {
      for (const d of spec.defaults) {
        at = loose.get(normaliseHeader(d));
        if (at !== undefined) break;
      }
    }
    if (at !== undefined) index[field] = at;
    else if (spec.required || mapped !== undefined) missing.push(field);
  }
  return { index, missing };
}

/** `employeeId ("社員番号")` — how a missing field is named in an error. */
export function describeField(field: string, specs: FieldSpecs<string>, mapping: Readonly<Record<string, string>>): string {
  const mapped = mapping[field];
  if (mapped !== undefined) return `${field} ("${mapped}")`;
  const d = specs[field]?.defaults ?? [];
  return d.length ? `${field} (e.g. ${d.slice(0, 3).map((x) => `"${x}"`).join(', ')})` : field;
}
