/**
 * Aligned text tables for a terminal: columns measured in display cells (East Asian wide
 * characters count two, string-width), and, given the terminal's width, the widest text columns
 * cut with "…" until the table fits. Numbers, dates and ids are never cut; without a width
 * (output piped to a file or another program) nothing is.
 */
import stringWidth from 'string-width';

export interface TableOptions {
  /** Terminal width in cells; undefined: do not fit (piped output). */
  width?: number;
  /** Per column: may this column be cut to fit (free text)? Default: none. */
  truncatable?: readonly boolean[];
}

const GAP = 2;
/** A cut column keeps at least this many cells (with its "…"). */
const MIN_CUT = 8;

/** `text` cut to at most `width` display cells, ending in "…" when cut. */
export function truncate(text: string, width: number): string {
  if (stringWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const w = stringWidth(ch);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  return `${out}…`;
}

/** Column widths after fitting into `opts.width`: the widest cuttable column shrinks first. */
export function fitWidths(natural: readonly number[], opts: TableOptions): number[] {
  const widths = [...natural];
  if (opts.width === undefined || !opts.truncatable) return widths;
  const total = () => widths.reduce((a, b) => a + b, 0) + GAP * Math.max(0, widths.length - 1);
  while (total() > opts.width) {
    let widest = -1;
    for (let i = 0; i < widths.length; i++) {
      if (opts.truncatable[i] && widths[i]! > MIN_CUT && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
    }
    if (widest < 0) break; // cut as far as it goes; the terminal wraps the rest
    widths[widest]!--;
  }
  return widths;
}

export function table(header: readonly string[], rows: readonly (readonly string[])[], opts: TableOptions = {}): string {
  const natural = header.map((h, i) => Math.max(stringWidth(h), ...rows.map((r) => stringWidth(r[i] ?? ''))));
  const widths = fitWidths(natural, opts);
  const line = (cells: readonly string[]) =>
    widths
      .map((w, i) => {
        const c = truncate(cells[i] ?? '', w);
        return c + ' '.repeat(w - stringWidth(c));
      })
      .join(' '.repeat(GAP))
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}
