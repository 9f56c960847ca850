/**
 * PDF: encrypted when the trailer dictionary or the cross-reference stream dictionary has an
 * `/Encrypt` entry. Reads the last 64 KB (startxref, trailers, xref stream dictionaries) and the
 * object startxref points to; never inflates a stream.
 */
import { opensWithEmptyPassword, pdfString } from './pdf-empty-password.ts';
import { lastBytes, readAt, type Sample } from './sample.ts';
import { verdict, type Verdict } from './verdict.ts';

const TAIL = 64 * 1024;
/** `/Encrypt` as a key: followed by a delimiter, so `/EncryptMetadata` does not match. */
const ENCRYPT_KEY = /\/Encrypt(?=[\s\0<\d/])/;

export function isPdf(head: Buffer): boolean {
  const i = head.subarray(0, 1024).indexOf('%PDF-', 0, 'latin1');
  return i >= 0;
}

export function detectPdf(s: Sample): Verdict {
  const tail = lastBytes(s, TAIL).toString('latin1');
  // 1. The cross-reference section startxref names (the newest one).
  const sx = tail.lastIndexOf('startxref');
  if (sx >= 0) {
    const m = /^startxref\s+(\d+)/.exec(tail.slice(sx));
    const at = m ? Number(m[1]) : NaN;
    if (Number.isFinite(at)) {
      const chunk = readAt(s, at, Math.min(TAIL, s.size - at))?.toString('latin1');
      if (chunk !== undefined) {
        const dict = chunk.startsWith('xref') ? dictAfter(chunk, chunk.indexOf('trailer')) : /^\s*\d+\s+\d+\s+obj\b/.test(chunk) ? dictAfter(chunk, chunk.indexOf('obj')) : undefined;
        if (dict !== undefined) {
          const kind = chunk.startsWith('xref') ? 'trailer' : 'cross-reference stream';
          return ENCRYPT_KEY.test(topLevel(dict)) ? encryptedUnlessEmptyPassword(s, dict, `pdf: /Encrypt in ${kind}`) : verdict(false, `pdf: no /Encrypt in ${kind}`);
        }
      }
    }
  }
  // 2. Damaged or unusual file: any trailer or xref stream dictionary in the tail.
  let seen = false;
  for (const m of tail.matchAll(/trailer|\/Type\s*\/XRef\b/g)) {
    const start = m[0] === 'trailer' ? m.index : tail.lastIndexOf('<<', m.index);
    const dict = dictAfter(tail, start);
    if (dict === undefined) continue;
    seen = true;
    if (ENCRYPT_KEY.test(topLevel(dict))) return encryptedUnlessEmptyPassword(s, dict, 'pdf: /Encrypt in a trailer (found by scanning)');
  }
  return verdict(false, seen ? 'pdf: no /Encrypt in trailer' : 'pdf: no trailer found; treated as not encrypted');
}

/**
 * KPIS.md names the /Encrypt entry as the mark of an encrypted PDF. A PDF whose user password is
 * empty carries /Encrypt (usually for owner-password permissions) yet opens for anyone, so it
 * protects nothing in transit: it is counted as not encrypted — the safe answer for an
 * "attachments to outside parties are encrypted" objective (README, "ambiguous cases").
 */
function encryptedUnlessEmptyPassword(s: Sample, trailer: string, found: string) {
  return opensWithEmptyPassword_(s, trailer)
    ? verdict(false, `${found}, but it opens with an empty user password: not protected`)
    : verdict(true, found);
}

function opensWithEmptyPassword_(s: Sample, trailer: string): boolean {
  const top = topLevel(trailer);
  const idAt = /\/ID\s*\[/.exec(trailer);
  const id = idAt ? pdfString(trailer, idAt.index + idAt[0].length) : undefined;
  let dict: string | undefined;
  const ref = /\/Encrypt\s+(\d+)\s+(\d+)\s+R/.exec(top);
  if (ref) {
    const obj = new RegExp(`(?:^|[^0-9])${ref[1]}\\s+${ref[2]}\\s+obj`);
    for (const part of s.complete ? [s.head] : [s.tail, s.head]) {
      const text = part.toString('latin1');
      const m = obj.exec(text);
      if (m) {
        dict = dictAfter(text, m.index);
        break;
      }
    }
  } else {
    const inline = trailer.search(/\/Encrypt\s*<</);
    if (inline >= 0) dict = dictAfter(trailer, inline);
  }
  if (!dict) return false;
  return opensWithEmptyPassword(dict, id) === true;
}

/** The dictionary `<< … >>` starting at or after `from`, with its nesting, strings skipped. */
function dictAfter(text: string, from: number): string | undefined {
  if (from < 0) return undefined;
  const start = text.indexOf('<<', from);
  if (start < 0 || start - from > 4096) return undefined;
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '(') {
      i = skipString(text, i);
    } else if (c === '<' && text[i + 1] === '<') {
      depth++;
      i++;
    } else if (c === '>' && text[i + 1] === '>') {
      depth--;
      i++;
      if (depth === 0) return text.slice(start, i + 1);
    }
  }
  return undefined;
}

function skipString(text: string, i: number): number {
  let depth = 0;
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return i;
}

/** The dictionary's own keys and values, nested dictionaries blanked (an /Encrypt deeper down is not the trailer's). */
function topLevel(dict: string): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < dict.length; i++) {
    if (dict[i] === '<' && dict[i + 1] === '<') {
      depth++;
      i++;
      out += depth === 1 ? '<<' : '';
      continue;
    }
    if (dict[i] === '>' && dict[i + 1] === '>') {
      depth--;
      i++;
      out += depth === 0 ? '>>' : ' ';
      continue;
    }
    if (depth === 1) out += dict[i];
  }
  return out;
}
