/**
 * The report as one self-contained HTML file (stylesheet inlined, charts as inline SVG, no
 * script), with its provenance in <meta> elements that `report --verify` reads back.
 */
import { createHash } from 'node:crypto';
import { messages } from '../i18n/catalogue.ts';
import { renderPage } from '../pages/render.ts';
import type { Provenance, ReportModel } from './model.ts';

export const META_PREFIX = 'isms-kpi:';

export function provenanceMeta(p: Provenance): { name: string; content: string }[] {
  return [
    { name: `${META_PREFIX}period`, content: p.period },
    { name: `${META_PREFIX}at`, content: p.at },
    { name: `${META_PREFIX}config-sha256`, content: p.configSha256 },
    { name: `${META_PREFIX}evidence-sha256`, content: p.evidenceSha256 },
    { name: `${META_PREFIX}sources`, content: Object.entries(p.sources).map(([s, stamp]) => `${s}=${stamp}`).join(' ') },
    { name: `${META_PREFIX}version`, content: p.version },
  ];
}

export function reportHtml(m: ReportModel): string {
  const t = messages(m.lang);
  const measurementLabels = [...new Set(m.objectives.flatMap((o) => o.view.measurement.map((x) => x.label)))];
  return renderPage(
    'report',
    { lang: m.lang, org: m.org, title: `${t.report.title} — ${m.periodText}`, asOfText: t.pages.asOf(m.atText, m.zone), report: true, meta: provenanceMeta(m.provenance) },
    { r: m, measurementLabels },
  );
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
