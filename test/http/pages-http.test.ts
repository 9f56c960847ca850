import ExcelJS from 'exceljs';
import { describe, expect, it, vi } from 'vitest';
import { buildServer, CONTENT_SECURITY_POLICY } from '../../src/http/server.ts';
import type { PageContext } from '../../src/pages/pages.ts';
import { examplePages, FORMULA, hostilePages, IMG, SCRIPT } from './fixtures.ts';

const metrics = async () => ({ contentType: 'text/plain; version=0.0.4', body: '# metrics\n' });
const server = (pages: PageContext, log?: { error: (o: object, m?: string) => void }) =>
  buildServer({ metrics, health: async () => ({}), pages, ...(log ? { log: { info() {}, warn() {}, debug() {}, error: log.error } } : {}) });
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('pages over HTTP (fastify inject, the example organisation at T)', async () => {
  const { ctx } = await examplePages();
  const app = server(ctx);

  it('a browser gets HTML at /, /objectives/<id> and /health; a script gets JSON', async () => {
    for (const url of ['/', '/objectives/stale-accounts', '/health']) {
      const html = await app.inject({ url, headers: { accept: BROWSER } });
      expect(html.statusCode, url).toBe(200);
      expect(html.headers['content-type'], url).toBe('text/html; charset=utf-8');
      for (const accept of ['application/json', '*/*', undefined]) {
        const json = await app.inject({ url, headers: accept ? { accept } : {} });
        expect(json.headers['content-type'], `${url} ${accept}`).toBe('application/json; charset=utf-8');
      }
    }
    expect((await app.inject({ url: '/objectives.json', headers: { accept: BROWSER } })).headers['content-type']).toBe('application/json; charset=utf-8');
    expect((await app.inject({ url: '/objectives/mfa.json', headers: { accept: BROWSER } })).headers['content-type']).toBe('application/json; charset=utf-8');
    expect((await app.inject({ url: '/health.json' })).json().sources.map((s: { id: string }) => s.id)).toContain('hr');
  });

  it('the register JSON has the `evaluate --format json` fields, with the hand-computed values', async () => {
    const body = (await app.inject({ url: '/register.json' })).json() as { evaluatedAt: string; objectives: Record<string, unknown>[] };
    expect(body.evaluatedAt).toBe('2026-11-20T03:00:00.000Z'); // T = 12:00 JST
    const first = body.objectives[0]!;
    expect(Object.keys(first).slice(0, 9)).toEqual(['id', 'kpi', 'value', 'numerator', 'denominator', 'target', 'direction', 'status', 'period']);
    // example-expected.md: 12/26, 250/264, 33/445, 267/276, 10/12.
    expect(body.objectives.map((o) => [o['id'], o['numerator'], o['denominator'], o['status']])).toEqual([
      ['stale-accounts', 12, 26, 'missed'],
      ['security-training', 250, 264, 'missed'],
      ['phishing-drill', 33, 445, 'met'],
      ['mfa', 267, 276, 'missed'],
      ['incident-reporting', 10, 12, 'at_risk'],
    ]);
    expect(first['failing']).toBe(14);
    expect(first['period']).toEqual({ from: '2026-10-01T00:00:00.000+09:00', to: '2026-11-20T12:00:00.000+09:00' });
  });

  it('the evidence JSON keeps `reason` in English with its code, and the failing subjects of example-expected.md', async () => {
    const body = (await app.inject({ url: '/objectives/incident-reporting/evidence' })).json() as { id: string; failing: { id: string; reason: string; reasonCode: string }[] };
    expect(body.id).toBe('incident-reporting');
    // INC-2026-005 reported after 30 h (6 h past the 24 h SLA); INC-2026-011 never reported.
    expect(body.failing.map((f) => [f.id, f.reasonCode]).sort()).toEqual([['INC-2026-005', 'incidentReportedLate'], ['INC-2026-011', 'incidentNotReported']]);
    expect(body.failing.find((f) => f.id === 'INC-2026-005')!.reason).toBe('reported 6 h after the 24 h SLA');
  });

  it('pages send a CSP without inline script, nosniff and no-store, and contain no script at all', async () => {
    for (const url of ['/', '/objectives/stale-accounts', '/health']) {
      const r = await app.inject({ url, headers: { accept: BROWSER } });
      expect(r.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(CONTENT_SECURITY_POLICY).toMatch(/script-src 'none'/);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['cache-control']).toBe('no-store');
      expect(r.body).not.toMatch(/<script/i);
      const tags = [...r.body.matchAll(/<[a-zA-Z][^>]*>/g)].map((m) => m[0].replace(/"[^"]*"/g, '""'));
      expect(tags.filter((t) => /\son[a-z]+=/i.test(t))).toEqual([]);
    }
    for (const url of ['/objectives.json', '/objectives/mfa/failing.csv', '/metrics']) expect((await app.inject({ url })).headers['cache-control']).toBe('no-store');
  });

  it('the register shows the ISO/IEC 27004 measurement fields the config gives', async () => {
    const body = (await app.inject({ url: '/', headers: { accept: BROWSER } })).body;
    expect(body).toContain('<h2>測定プログラム（ISO/IEC 27004）</h2>');
    for (const text of ['情報ニーズ', '収集者', '報告先', '退職者・不要アカウントが速やかに無効化されているか', '期限内に無効化された数 ÷ 期限を過ぎた対象アカウント数（四半期累計）']) expect(body).toContain(text);
  });

  it('a corrupt % escape is a 400, an unknown objective a 404, never a 500', async () => {
    for (const url of ['/objectives/%E0%A4%A', '/objectives/%', '/objectives/%zz/evidence']) expect((await app.inject({ url })).statusCode, url).toBe(400);
    expect((await app.inject({ url: '/objectives/nope', headers: { accept: BROWSER } })).statusCode).toBe(404);
    expect((await app.inject({ url: '/objectives/nope/evidence' })).statusCode).toBe(404);
  });

  it('filters, searches and sorts the failing subjects on the server; days overdue first by default', async () => {
    const html = (q: string) => app.inject({ url: `/objectives/stale-accounts${q}`, headers: { accept: BROWSER } }).then((r) => r.body);
    const ids = (body: string) => [...body.matchAll(/<td data-col="id">([^<]+)<\/td>/g)].map((m) => m[1]);
    // example-expected.md: hiroshi.yamashita is the longest overdue (stale 08-18, deadline 08-19 12:00 → T: 93 days).
    expect(ids(await html(''))[0]).toBe('hiroshi.yamashita@example.co.jp');
    expect(ids(await html(''))).toHaveLength(14);
    // The 3 orphans (test01, haken.kimura, kenshu-user): reason group "orphan account still enabled after its deadline".
    expect(ids(await html(`?reason=${encodeURIComponent('所有者不明のアカウントが期限後も有効')}`)).sort()).toEqual(['haken.kimura@example.co.jp', 'kenshu-user@example.co.jp', 'test01@example.co.jp']);
    expect(ids(await html('?q=YAMADA'))).toEqual(['yamada-t@example.co.jp']);
    expect(ids(await html('?sort=id&dir=asc'))[0]).toBe('adm.naoki.kato@example.co.jp');
  });
});

describe('results without their failing subjects (BullMQ)', () => {
  it('the pages take the subjects from `detailed`, evaluated again at the same instant', async () => {
    const { ctx, results } = await examplePages();
    const stripped = results.map((r) => ({ ...r, failing: [] }));
    const app = server({ ...ctx, results: () => stripped, detailed: async () => results });
    const body = (await app.inject({ url: '/register.json' })).json() as { objectives: { failing: number }[] };
    // example-expected.md: 14, 14, 33, 9 and 2 failing subjects.
    expect(body.objectives.map((o) => o.failing)).toEqual([14, 14, 33, 9, 2]);
    const one = (await app.inject({ url: '/objectives/mfa/evidence' })).json() as { failing: unknown[] };
    expect(one.failing).toHaveLength(9);
  });
});

describe('every value is escaped (titles, account names, file names)', async () => {
  const { ctx } = await hostilePages();
  const app = server(ctx);

  it('in the register, the objective page and the health page', async () => {
    for (const url of ['/', '/objectives/hostile', '/health']) {
      const body = (await app.inject({ url, headers: { accept: BROWSER } })).body;
      expect(body, url).not.toContain(SCRIPT);
      expect(body, url).not.toContain('<img');
      // No tag carries an event-handler attribute (attribute values stripped: escaped ones hold no raw quote).
      const tags = [...body.matchAll(/<[a-zA-Z][^>]*>/g)].map((m) => m[0].replace(/"[^"]*"/g, '""'));
      expect(tags.filter((t) => /\son[a-z]+=/i.test(t)), url).toEqual([]);
      expect(body, url).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
    const objective = (await app.inject({ url: '/objectives/hostile', headers: { accept: BROWSER } })).body;
    expect(objective).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;@example.co.jp'); // the account
    expect(objective).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;.pdf'); // an attachment's file name
    const health = (await app.inject({ url: '/health', headers: { accept: BROWSER } })).body;
    expect(health).toContain('/exports/&quot;&gt;&lt;img src=x onerror=alert(1)&gt;.json:3 profile.login: bad &lt;script&gt;');
  });

  it('the CSV download starts with a BOM and neutralises formulas', async () => {
    const r = await app.inject({ url: '/objectives/hostile/failing.csv' });
    expect(r.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(r.headers['content-disposition']).toBe('attachment; filename="hostile-failing.csv"');
    expect(r.body.startsWith('\uFEFF')).toBe(true);
    // csv-stringify's escape_formulas prefixes ' to a cell starting with =, +, -, @, tab or CR.
    expect(r.body).toContain(`'${FORMULA.replace(/"/g, '""')}`);
    expect(r.body).not.toMatch(/(^|,|")=HYPERLINK/m);
  });

  it('the XLSX download holds text cells, never formulas', async () => {
    const r = await app.inject({ url: '/objectives/hostile/failing.xlsx' });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
    const cells: ExcelJS.Cell[] = [];
    wb.worksheets[0]!.eachRow((row) => row.eachCell((c) => cells.push(c)));
    const formula = cells.find((c) => String(c.value).includes('HYPERLINK'))!;
    expect(formula.type).toBe(ExcelJS.ValueType.String);
    expect(cells.some((c) => c.type === ExcelJS.ValueType.Formula)).toBe(false);
    // 3 days overdue stays a number.
    expect(cells.some((c) => c.type === ExcelJS.ValueType.Number && c.value === 3)).toBe(true);
  });
});

describe('failures', () => {
  it('a failing page is a 500 and is logged, without the query (it may hold a searched name)', async () => {
    const { ctx } = await hostilePages();
    const broken: PageContext = { ...ctx, store: { ...ctx.store, runs: () => Promise.reject(new Error('disk on fire')) } };
    const error = vi.fn();
    const r = await server(broken, { error }).inject({ url: '/health?q=taro.yamada', headers: { accept: BROWSER } });
    expect(r.statusCode).toBe(500);
    expect(r.body).toBe('internal error\n');
    expect(error).toHaveBeenCalledTimes(1);
    expect(error.mock.calls[0]![0]).toMatchObject({ err: 'disk on fire', route: '/health' });
    expect(JSON.stringify(error.mock.calls[0])).not.toContain('taro');
  });
});
