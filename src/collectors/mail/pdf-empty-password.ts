/**
 * Whether an encrypted PDF (standard security handler) opens with an empty user password:
 * revisions 2–4 by PDF 32000-1 §7.6.3.3 (algorithms 2, 4 and 5: RC4/MD5 over /O, /P and the
 * trailer's /ID), revisions 5 and 6 (AES-256) by ISO 32000-2 §7.6.4.3.3–4 (algorithms 2.A and
 * 2.B: SHA-256/384/512 and AES-128 rounds over /U's validation salt). Such a file has /Encrypt,
 * but anyone can open it. Header bytes only: the encryption dictionary and the trailer's /ID.
 * Undefined when it cannot tell.
 */
import { createCipheriv, createHash } from 'node:crypto';

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

/**
 * The hash of ISO 32000-2 algorithm 2.B for an empty password and no owner data: SHA-256 of the
 * salt, then (revision 6) rounds of AES-128-CBC over 64 copies of the running hash, each hashed
 * with SHA-256, -384 or -512 as the first 16 encrypted bytes decide, until round 64 or later
 * ends on a last byte no greater than the round number minus 32.
 */
function emptyPasswordHash(salt: Buffer, revision: number): Buffer {
  let k = createHash('sha256').update(salt).digest();
  if (revision === 5) return k;
  for (let round = 1; ; round++) {
    const k1 = Buffer.concat(Array<Buffer>(64).fill(k));
    const cipher = createCipheriv('aes-128-cbc', k.subarray(0, 16), k.subarray(16, 32));
    cipher.setAutoPadding(false);
    const e = Buffer.concat([cipher.update(k1), cipher.final()]);
    let sum = 0;
    for (let i = 0; i < 16; i++) sum += e[i]!;
    k = createHash(['sha256', 'sha384', 'sha512'][sum % 3]!).update(e).digest();
    if (round >= 64 && e[e.length - 1]! <= round - 32) return k.subarray(0, 32);
  }
}

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
 * @param firstId the first element of the trailer's /ID (revisions 2–4 need it)
 */
export function opensWithEmptyPassword(encryptDict: string, firstId: Buffer | undefined): boolean | undefined {
  if (!/\/Filter\s*\/Standard/.test(encryptDict)) return undefined;
  const r = value(encryptDict, 'R');
  if (r === 5 || r === 6) {
    // /U: 32 bytes of hash, 8 of validation salt, 8 of key salt.
    const u = stringValue(encryptDict, 'U');
    if (!u || u.length < 48) return undefined;
    return emptyPasswordHash(u.subarray(32, 40), r).equals(u.subarray(0, 32));
  }
  if (!firstId) return undefined;
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
