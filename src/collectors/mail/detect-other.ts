/**
 * 7z with encrypted headers, OpenPGP data and S/MIME (PKCS#7 / CMS) data.
 */
import { readAt, type Sample } from './sample.ts';
import { verdict, type Verdict } from './verdict.ts';

const SEVEN_Z = Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]);
/** 7-Zip's AES-256 + SHA-256 coder id. */
const SEVEN_Z_AES = Buffer.from([0x06, 0xf1, 0x07, 0x01]);
const K_HEADER = 0x01;
const K_ENCODED_HEADER = 0x17;

export function is7z(head: Buffer): boolean {
  return head.length >= 6 && head.subarray(0, 6).equals(SEVEN_Z);
}

/**
 * Encrypted headers (`7z a -mhe=on -p`): the next header is an encoded header whose coder is AES.
 * Encrypted contents with plain headers (file names visible) do not meet the definition.
 */
export function detect7z(s: Sample): Verdict {
  const start = readAt(s, 0, 32);
  if (!start) return verdict(false, '7z: short file');
  const offset = Number(start.readBigUInt64LE(12));
  const size = Number(start.readBigUInt64LE(20));
  if (size === 0) return verdict(false, '7z: empty archive');
  const next = readAt(s, 32 + offset, Math.min(size, 4096));
  if (!next) return verdict(false, '7z: next header out of reach; treated as not encrypted');
  if (next[0] === K_HEADER) return verdict(false, '7z: plain headers (file names readable)');
  if (next[0] === K_ENCODED_HEADER) {
    return next.indexOf(SEVEN_Z_AES) >= 0 ? verdict(true, '7z: encrypted headers (AES)') : verdict(false, '7z: compressed, not encrypted headers');
  }
  return verdict(false, '7z: unknown header type');
}

const ARMOR = '-----BEGIN PGP ';

/** OpenPGP: ASCII armour or a binary packet. Null when the bytes are not OpenPGP. */
export function detectPgp(head: Buffer): Verdict | null {
  const text = head.subarray(0, 256).toString('latin1');
  const armor = text.indexOf(ARMOR);
  if (armor >= 0 && /^\s*$/.test(text.slice(0, armor))) {
    const kind = /^-----BEGIN PGP ([A-Z ,/0-9]+)-----/.exec(text.slice(armor))?.[1] ?? '';
    return kind === 'MESSAGE' ? verdict(true, 'pgp: armoured encrypted message') : verdict(false, `pgp: armoured ${kind.toLowerCase() || 'block'}, not an encrypted message`);
  }
  const b = head[0];
  if (b === undefined || (b & 0x80) === 0) return null;
  const tag = (b & 0x40) !== 0 ? b & 0x3f : (b & 0x3c) >> 2;
  // Public-key / symmetric-key encrypted session key, (integrity-protected) encrypted data, AEAD.
  if (tag === 1 || tag === 3 || tag === 9 || tag === 18 || tag === 20) return verdict(true, `pgp: encrypted data (packet ${tag})`);
  if (tag === 2 || tag === 4 || tag === 6 || tag === 8 || tag === 11 || tag === 5) return verdict(false, `pgp: packet ${tag}, not encrypted`);
  return null;
}

// 1.2.840.113549.1.7.x (PKCS#7 content types) and 1.2.840.113549.1.9.16.1.23 (authEnvelopedData).
const PKCS7_PREFIX = Buffer.from([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07]);
const AUTH_ENVELOPED = Buffer.from([0x06, 0x0b, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x01, 0x17]);
const PKCS7_TYPES: Record<number, string> = { 1: 'data', 2: 'signed-data', 3: 'enveloped-data', 4: 'signed-and-enveloped-data', 5: 'digested-data', 6: 'encrypted-data' };

/** DER (or PEM) CMS: the outer ContentInfo's content type decides. Null when not CMS. */
export function detectPkcs7(head: Buffer): Verdict | null {
  let der = head;
  const text = head.subarray(0, 64).toString('latin1');
  if (/^\s*-----BEGIN (PKCS7|CMS)-----/.test(text)) {
    const body = head.toString('latin1').split(/-----BEGIN (?:PKCS7|CMS)-----/)[1]?.split('-----END')[0] ?? '';
    der = Buffer.from(body.slice(0, 256), 'base64');
  }
  if (der[0] !== 0x30) return null;
  const top = der.subarray(0, 32);
  if (top.indexOf(AUTH_ENVELOPED) >= 0) return verdict(true, 'pkcs7: authEnveloped-data');
  const i = top.indexOf(PKCS7_PREFIX);
  if (i < 0) return null;
  const type = top[i + PKCS7_PREFIX.length] ?? 0;
  const name = PKCS7_TYPES[type] ?? `type ${type}`;
  const encrypted = type === 3 || type === 4 || type === 6;
  return verdict(encrypted, encrypted ? `pkcs7: ${name}` : `pkcs7: ${name}, not encrypted`);
}
