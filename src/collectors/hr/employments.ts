/**
 * Rows sharing a person key are employments of one person (a re-hire under the same employee
 * id or email), not duplicates. Pure: parsed rows in, keyed records out.
 *
 * A snapshot needs one store key per record, stable from one export to the next, so that an
 * unchanged employment stays unchanged in the history. Within the rows sharing a base key
 * (employee id, else email) they are told apart by their hire date (else their leave date):
 * - the earliest employment (no hire date counts as earliest) keeps the bare key, which is the
 *   key the person had before the re-hire appeared, so a roster that gains a re-hire row adds
 *   one record and changes none;
 * - each later one is `<key>␟hired <date>` (or `␟left <date>` when it has no hire date).
 * Two rows of one base key with the same hire date (or, without one, the same leave date) are
 * the same employment written twice: the later row is rejected, pointing at the first.
 */
import type { Keyed, PersonRecord } from '../../evidence/records.ts';

export interface EmploymentRow {
  line: number;
  /** The person key the row parsed to (employee id, else email). */
  key: string;
  data: PersonRecord;
}

function employmentTag(d: PersonRecord): string {
  if (d.hireDate) return `hired ${d.hireDate}`;
  if (d.leaveDate) return `left ${d.leaveDate}`;
  return '';
}

/** Order within a person: no hire date first, then by hire date, then leave date, then line. */
function earlier(a: EmploymentRow, b: EmploymentRow): number {
  const ha = a.data.hireDate ?? '';
  const hb = b.data.hireDate ?? '';
  if (ha !== hb) return ha < hb ? -1 : 1;
  const la = a.data.leaveDate ?? '\uffff';
  const lb = b.data.leaveDate ?? '\uffff';
  if (la !== lb) return la < lb ? -1 : 1;
  return a.line - b.line;
}

/**
 * Keys for the employments of a roster, in file order. `duplicate` is called for a row that
 * repeats an employment already listed (with the line of the first).
 */
export function keyEmployments(rows: readonly EmploymentRow[], duplicate: (row: EmploymentRow, firstLine: number) => void): Keyed<'person'>[] {
  const byKey = new Map<string, EmploymentRow[]>();
  for (const r of rows) {
    const list = byKey.get(r.key);
    if (list) list.push(r);
    else byKey.set(r.key, [r]);
  }
  const keyOf = new Map<EmploymentRow, string>();
  for (const [base, list] of byKey) {
    if (list.length === 1) {
      keyOf.set(list[0]!, base);
      continue;
    }
    const sorted = [...list].sort(earlier);
    const firstOfTag = new Map<string, EmploymentRow>();
    sorted.forEach((r, i) => {
      const tag = employmentTag(r.data);
      const first = firstOfTag.get(tag);
      if (first) {
        // Report against file order: the row further down is the repeat.
        const [keep, drop] = first.line < r.line ? [first, r] : [r, first];
        if (keep !== first) {
          keyOf.set(keep, keyOf.get(first)!);
          keyOf.delete(first);
          firstOfTag.set(tag, keep);
        }
        duplicate(drop, keep.line);
        return;
      }
      firstOfTag.set(tag, r);
      keyOf.set(r, i === 0 ? base : `${base}\u001f${tag}`);
    });
  }
  const out: Keyed<'person'>[] = [];
  for (const r of rows) {
    const key = keyOf.get(r);
    if (key !== undefined) out.push({ key, data: r.data });
  }
  return out;
}
