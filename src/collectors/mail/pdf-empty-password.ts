/**
 * Whether an encrypted PDF (standard security handler, revisions 2–4) opens with an empty user
 * password: PDF 32000-1 §7.6.3.3, algorithms 2, 4 and 5. KPIS.md counts such a file as encrypted
 * (it has /Encrypt), but anyone can open it, so the evidence says so beside the verdict. Header
 * bytes only: the encryption dictionary and the trailer's /ID. Undefined when it cannot tell.
 */
import { createHash } from 'node:crypto';

const PAD = Buffer.from('28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a', 'hex');

function rc4(key: Buffer, data: Buffer): Buffer {
  const s = new Uint8Array(256);
  for (let i = 0; i < 256; i++) s[i] = i;
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i]! + key[i % key.length]!) & 0xff;
    [s[i], s[j]] = [s[j]!, s[i]!];
  }
  const out = Buffer.alloc(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 0xff;
    j = (j + s[i]!) & 0xff;
    [s[i], s[j]] = [s[j]!, s[i]!];
    out[n] = data[n]! ^ s[(s[i]! + s[j]!) & 0xff]!;
  }
  return out;
}

const md5 = (...parts: Buffer[]) => createHash('md5').update(Buffer.concat(parts)).digest();

/** A PDF string value: `<hex>` or `(literal)` with its escapes. */
export function pdfString(text: string, at: number): Buffer | undefined {
  let i = at;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  if (text[i] === '<') {
    const end = text.indexOf('>', i);
    if (end < 0) return undefined;
    let hex = text.slice(i + 1, end).replace(/\s/g, '');
    if (hex.length % 2) hex += '0';
    return Buffer.from(hex, 'hex');
  }
  if (text[i] !== '(') return undefined;
  const out: number[] = [];
  let depth = 0;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (c === '(') {
      if (depth++ > 0) out.push(0x28);
    } else if (c === ')') {
      if (--depth === 0) return Buffer.from(out);
      out.push(0x29);
    } else if (c === '\\') {
      const n = text[++i] ?? '';
      const esc: Record<string, number> = { n: 10, r: 13, t: 9, b: 8, f: 12, '(': 0x28, ')': 0x29, '\\': 0x5c };
      if (n in esc) out.push(esc[n]!);
      else if (/[0-7]/.test(n)) {
        let oct = n;
        while (oct.length < 3 && /[0-7]/.test(text[i + 1] ?? '')) oct += text[++i];
        out.push(parseInt(oct, 8) & 0xff);
      } else if (n === '\r') {
        if (text[i + 1] === '\n') i++;
      } else if (n !== '\n') out.push(n.charCodeAt(0) & 0xff);
    } else {
      out.push(c.charCodeAt(0) & 0xff);
    }
  }
  return undefined;
}

function value(dict: string, key: string): number | undefined {
  const m = new RegExp(`/${key}\\s+(-?\\d+)`).exec(dict);
  return m ? Number(m[1]) : undefined;
}

function stringValue(dict: string, key: string): Buffer | undefined {
  const m = new RegExp(`/${key}(?=[\\s(<])`).exec(dict);
  return m ? pdfString(dict, m.index + key.length + 1) : undefined;
}

/**
 * @param encryptDict the encryption dictionary's text (latin1)
 * @param firstId the first element of the trailer's /ID
 */
export function opensWithEmptyPassword(encryptDict: string, firstId: Buffer): boolean | undefined {
  if (!/\/Filter\s*\/Standard/.test(encryptDict)) return undefined;
  const r = value(encryptDict, 'R');
  const p = value(encryptDict, 'P');
  const o = stringValue(encryptDict, 'O');
  const u = stringValue(encryptDict, 'U');
  if (r === undefined || p === undefined || !o || !u || r < 2 || r > 4 || o.length < 32 || u.length < 16) return undefined;
  const n = r === 2 ? 5 : Math.min(16, Math.max(5, (value(encryptDict, 'Length') ?? 40) / 8));
  const pBytes = Buffer.alloc(4);
  pBytes.writeInt32LE(p | 0);
  const noMeta = r >= 4 && /\/EncryptMetadata\s+false/.test(encryptDict) ? [Buffer.from([0xff, 0xff, 0xff, 0xff])] : [];
  let h = md5(PAD, o.subarray(0, 32), pBytes, firstId, ...noMeta);
  if (r >= 3) for (let i = 0; i < 50; i++) h = md5(h.subarray(0, n));
  const key = h.subarray(0, n);
  if (r === 2) return rc4(key, PAD).equals(u.subarray(0, 32));
  let x = rc4(key, md5(PAD, firstId));
  for (let i = 1; i <= 19; i++) x = rc4(Buffer.from(key.map((b) => b ^ i)), x);
  return x.subarray(0, 16).equals(u.subarray(0, 16));
}
