/**
 * Per-attachment encryption verdict. The content decides (a `.pdf` part may really be PKCS#7);
 * the name and declared type only pick detectors for data without a recognisable signature.
 * Pure: bytes in, verdict out.
 */
import { detect7z, detectPgp, detectPkcs7, is7z } from './detect-other.ts';
import { detectOle, isOle } from './detect-ole.ts';
import { detectPdf, isPdf } from './detect-pdf.ts';
import { detectZip, isZip } from './detect-zip.ts';
import type { Sample } from './sample.ts';
import { verdict, type Verdict } from './verdict.ts';

export type { Verdict } from './verdict.ts';

const PGP_NAMES = /\.(gpg|pgp|asc)$/i;
const CMS_NAMES = /\.p7m$/i;
const CMS_TYPES = /^application\/(x-)?pkcs7-mime$/i;

export function detectEncryption(name: string | undefined, contentType: string, s: Sample): Verdict {
  try {
    return detect(name, contentType, s);
  } catch (err) {
    // Damaged or crafted bytes: a verdict for this attachment, never a failed run.
    return verdict(false, `unreadable ${describe(name ?? '', contentType)} (${(err as Error).name}); treated as not encrypted`);
  }
}

function detect(name: string | undefined, contentType: string, s: Sample): Verdict {
  const head = s.head;
  if (s.size === 0) return verdict(false, 'empty attachment');
  if (isZip(head)) return detectZip(s);
  if (isPdf(head)) return detectPdf(s);
  if (isOle(head)) return detectOle(s);
  if (is7z(head)) return detect7z(s);
  const pgp = detectPgp(head);
  const cms = detectPkcs7(head);
  const named = name ?? '';
  if (cms) return cms;
  if (pgp && (PGP_NAMES.test(named) || /^application\/pgp-encrypted$/i.test(contentType) || pgp.reason.startsWith('pgp: armoured'))) return pgp;
  if (PGP_NAMES.test(named)) return verdict(false, 'pgp name but no OpenPGP data');
  if (CMS_NAMES.test(named) || CMS_TYPES.test(contentType)) return verdict(false, 'p7m name or type but no CMS data');
  return verdict(false, `not an encrypted format (${describe(named, contentType)})`);
}

function describe(name: string, contentType: string): string {
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(name)?.[1];
  return ext ? `.${ext.toLowerCase()}` : contentType.toLowerCase();
}
