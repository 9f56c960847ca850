import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EvidenceInputError } from '../../../src/errors.ts';
import { describe, expect, it } from 'vitest';
import { lmsCollector } from '../../../src/collectors/lms/collector.ts';
import { parseMoodleRow } from '../../../src/collectors/lms/parse.ts';
import { collectAll, sourceOf, testContext } from '../context.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/lms');

describe('parseMoodleRow', () => {
  const opts = { zone: 'Asia/Tokyo', course: 'Security 2025' };
  it.each([
    ['', null],
    ['Not completed', null],
    ['15/07/25, 09:30', '2025-07-15T09:30:00.000+09:00'],
    ['Completed: 15/07/25, 09:30', '2025-07-15T09:30:00.000+09:00'],
    ['Tuesday, 15 July 2025, 9:30 PM', '2025-07-15T21:30:00.000+09:00'],
  ])('course complete %j', (cell, at) => {
    const r = parseMoodleRow({ person: 'A@B.jp', completed: cell }, opts);
    if (at === null) expect(r).toBeNull();
    else expect(r).toEqual({ ok: true, key: `Security 2025\u001fa@b.jp\u001f${at}`, data: { person: 'a@b.jp', course: 'Security 2025', completedAt: at } });
  });

  it('a completed state without a date is rejected', () => {
    expect(parseMoodleRow({ person: 'a@b.jp', completed: 'Completed' }, opts)).toEqual({ ok: false, field: 'completed', reason: '"Completed" without a completion date' });
  });
});

describe('lms collector', () => {
  it('moodle-csv: Excel download (UTF-16LE + BOM, TAB, CRLF, a quoted name over two lines)', async () => {
    const { ctx, rejections } = testContext({ baseDir: FIXTURES });
    const source = sourceOf({ kind: 'lms', format: 'moodle-csv', path: 'moodle-completion-excel.csv', course: 'Security awareness 2025' });
    const records = await collectAll(lmsCollector, source, ctx);
    expect(records.map((r) => r.data)).toEqual([
      { person: 'ken.ito@example.co.jp', course: 'Security awareness 2025', completedAt: '2025-07-15T09:30:00.000+09:00' },
      { person: 'jiro@example.co.jp', course: 'Security awareness 2025', completedAt: '2025-07-22T16:05:00.000+09:00' },
    ]);
    const file = path.join(FIXTURES, 'moodle-completion-excel.csv');
    expect(rejections).toEqual([
      { file, line: 6, field: 'completed', reason: expect.stringContaining('unreadable timestamp "32/07/25, 09:30"') },
      { file, line: 7, reason: 'expected 8 columns as in the header, found 3' },
      { file, line: 8, field: 'person', reason: 'no person identifier (email address)' },
    ]);
  });

  it('moodle-csv without a configured course names the course after the file', async () => {
    const { ctx } = testContext({ baseDir: FIXTURES });
    const records = await collectAll(lmsCollector, sourceOf({ kind: 'lms', format: 'moodle-csv', path: 'moodle-completion-excel.csv' }), ctx);
    expect(new Set(records.map((r) => r.data.course))).toEqual(new Set(['moodle-completion-excel']));
  });

  it('generic-csv: Japanese default headers; "not completed" rows are no completion, a completion without a date is rejected', async () => {
    const { ctx, rejections } = testContext({ baseDir: FIXTURES });
    const records = await collectAll(lmsCollector, sourceOf({ kind: 'lms', format: 'generic-csv', path: 'generic-completions.csv' }), ctx);
    expect(records.map((r) => r.data)).toEqual([
      { person: '1001', course: '情報セキュリティ研修', completedAt: '2026-05-10' }, // 2026/05/10, a date: the whole day
      { person: 'ken.ito@example.co.jp', course: 'Phishing basics', completedAt: '2026-05-11T10:00:00.000+09:00' },
    ]);
    expect(rejections).toEqual([{ file: path.join(FIXTURES, 'generic-completions.csv'), line: 4, field: 'completedAt', reason: 'no completion date' }]);
  });

  it('a Moodle export without the "Course complete" column fails with one EvidenceInputError', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'moodle-'));
    writeFileSync(path.join(dir, 'progress.csv'), 'ID,Name,Email address,Quiz\n1,A,a@x.jp,Completed\n');
    const { ctx } = testContext({ baseDir: dir });
    const run = collectAll(lmsCollector, sourceOf({ kind: 'lms', format: 'moodle-csv', path: 'progress.csv' }), ctx);
    await expect(run).rejects.toBeInstanceOf(EvidenceInputError);
    await expect(run).rejects.toThrow(/progress\.csv: missing required column\(s\) completed \(e\.g\. "Course complete".*found headers "ID", "Name", "Email address", "Quiz"/);
  });
});
