import { describe, expect, it } from 'vitest';
import { canonicalLogin, IdentityIndex, normaliseLogin } from '../../src/kpi/identity.ts';
import { acct, hr, identity, TOKYO, versioned } from './helpers.ts';

const people = [
  hr({ employeeId: 'E001', email: 'Ken.Ito@Example.co.jp', logins: ['kito'] }),
  hr({ employeeId: 'E002', email: 'hana.sato@example.co.jp' }),
  hr({ employeeId: 'E003', email: 'taro@example.co.jp' }),
];
const cfg = identity({
  aliases: { 'K.Ito-Admin': 'ken.ito@example.co.jp', 'hs-ops': 'E002' },
  serviceAccounts: { loginPatterns: ['^svc-', '^noreply@'], types: ['service'] },
});
const index = new IdentityIndex(people, cfg, TOKYO);

describe('IdentityIndex.resolve', () => {
  const rows: [string, string, string | undefined][] = [
    ['email, any case', 'KEN.ITO@example.CO.JP', 'ken.ito@example.co.jp'],
    ['employee id', 'E002', 'hana.sato@example.co.jp'],
    ['employee id, other case', 'e002', 'hana.sato@example.co.jp'],
    ['HR login', 'kito', 'ken.ito@example.co.jp'],
    ['bare login + default domain', 'hana.sato', 'hana.sato@example.co.jp'],
    ['DOMAIN\\user', 'EXAMPLE\\ken.ito', 'ken.ito@example.co.jp'],
    ['alias → email', 'k.ito-admin', 'ken.ito@example.co.jp'],
    ['alias → employee id', 'HS-OPS', 'hana.sato@example.co.jp'],
    ['unknown', 'nobody@example.co.jp', undefined],
    ['bare login with no such person', 'ghost', undefined],
    ['empty', '  ', undefined],
  ];
  it.each(rows)('%s: %s', (_name, id, expected) => {
    expect(index.resolve(id)?.id).toBe(expected);
  });
});

describe('IdentityIndex.resolveAccount', () => {
  it('uses the configured key order: email first by default', () => {
    const a = acct('someone', { email: 'taro@example.co.jp', employeeId: 'E002' });
    expect(index.resolveAccount(a)?.id).toBe('taro@example.co.jp');
  });
  it('uses the configured key order: employee id first when configured so', () => {
    const idx = new IdentityIndex(people, identity({ keys: ['employeeId', 'email'] }), TOKYO);
    const a = acct('someone', { email: 'taro@example.co.jp', employeeId: 'E002' });
    expect(idx.resolveAccount(a)?.id).toBe('hana.sato@example.co.jp');
  });
  it('ignores keys that are not configured', () => {
    const idx = new IdentityIndex(people, identity({ keys: ['employeeId'] }), TOKYO);
    expect(idx.resolveAccount(acct('taro@example.co.jp'))).toBeUndefined();
    expect(idx.resolveAccount(acct('x', { employeeId: 'E003' }))?.id).toBe('taro@example.co.jp');
  });
  it('matches a login that is an email, a bare login and an alias', () => {
    expect(index.resolveAccount(acct('Hana.Sato@example.co.jp'))?.id).toBe('hana.sato@example.co.jp');
    expect(index.resolveAccount(acct('hana.sato'))?.id).toBe('hana.sato@example.co.jp');
    expect(index.resolveAccount(acct('k.ito-admin'))?.id).toBe('ken.ito@example.co.jp');
  });
  it('leaves an account of nobody as an orphan', () => {
    expect(index.resolveAccount(acct('olduser@example.co.jp'))).toBeUndefined();
  });
  it('without a default domain a bare login is not an email', () => {
    const idx = new IdentityIndex(people, identity(), { defaultLoginDomain: undefined });
    expect(idx.resolveAccount(acct('hana.sato'))).toBeUndefined();
  });
});

describe('people with several HR records', () => {
  it('joins records sharing an email (re-hired under a new employee id) into one person', () => {
    const idx = new IdentityIndex(
      [
        hr({ employeeId: 'E100', email: 'mika@example.co.jp', leaveDate: '2025-03-31' }),
        hr({ employeeId: 'E250', email: 'MIKA@example.co.jp', hireDate: '2026-04-01' }),
        hr({ employeeId: 'E300', email: 'other@example.co.jp' }),
      ],
      identity(),
      TOKYO,
    );
    expect(idx.people).toHaveLength(2);
    const mika = idx.resolve('E100');
    expect(mika).toBe(idx.resolve('E250'));
    expect(mika?.records).toHaveLength(2);
    expect(mika?.employeeIds).toEqual(['E100', 'E250']);
  });
  it('joins records transitively (A~B by email, B~C by employee id)', () => {
    const idx = new IdentityIndex(
      [
        hr({ employeeId: 'E1', email: 'a@example.co.jp' }, 'hr1'),
        hr({ employeeId: 'E2', email: 'a@example.co.jp' }, 'hr2'),
        hr({ employeeId: 'E2', email: 'a2@example.co.jp' }, 'hr3'),
      ],
      identity(),
      TOKYO,
    );
    expect(idx.people).toHaveLength(1);
  });
  it.each([
    // [what the rows share, the rows, the configured keys, people expected]
    ['the same employee id (a re-hire), different emails', [{ employeeId: 'E1', email: 'old@example.co.jp' }, { employeeId: 'e1', email: 'new@example.co.jp' }], undefined, 1],
    ['the same email, new employee id', [{ employeeId: 'E1', email: 'p@example.co.jp' }, { employeeId: 'E7', email: 'P@example.co.jp' }], undefined, 1],
    ['only an HR login', [{ employeeId: 'E1', logins: ['pk'] }, { employeeId: 'E7', logins: ['PK', 'other'] }], undefined, 1],
    ['an HR login, when login is not an identity key', [{ employeeId: 'E1', logins: ['pk'] }, { employeeId: 'E7', logins: ['pk'] }], ['email', 'employeeId'] as const, 2],
    ['an email, when only employee ids match people', [{ employeeId: 'E1', email: 'p@example.co.jp' }, { employeeId: 'E7', email: 'p@example.co.jp' }], ['employeeId'] as const, 2],
  ])('rows sharing %s are one person for every configured key', (_what, rows, keys, n) => {
    const idx = new IdentityIndex(rows.map((d, i) => hr(d, `hr${i}`)), identity(keys ? { keys: [...keys] } : {}), TOKYO);
    expect(idx.people).toHaveLength(n);
  });
  it('keeps people removed from the roster matchable', () => {
    const gone = versioned('hr', 'E9', [
      ['2026-01-01T00:00:00Z', { employeeId: 'E9', email: 'gone@example.co.jp' }],
      ['2026-04-01T00:00:00Z', null],
    ]);
    const idx = new IdentityIndex([gone], identity(), TOKYO);
    expect(idx.resolve('gone@example.co.jp')?.id).toBe('gone@example.co.jp');
  });
});

describe('service accounts', () => {
  const rows: [string, Parameters<typeof acct>[1], boolean][] = [
    ['svc-backup', {}, true],
    ['SVC-deploy', {}, true],
    ['noreply@example.co.jp', {}, true],
    ['robot', { accountType: 'Service' }, true],
    ['ken.ito@example.co.jp', {}, false],
    ['ken.ito@example.co.jp', { accountType: 'Member' }, false],
  ];
  it.each(rows)('%s %o → %s', (login, over, expected) => {
    expect(index.isServiceAccount(acct(login, over))).toBe(expected);
  });
  it('matches patterns in linear time: (a+)+$ against a long login answers at once instead of backtracking', () => {
    const index = new IdentityIndex([], identity({ serviceAccounts: { loginPatterns: ['(a+)+$'], types: [] } }), TOKYO);
    // A backtracking engine takes 2^n steps on n a's followed by a b; RE2 takes n.
    expect(index.isServiceAccount({ accountId: 'x', login: `${'a'.repeat(100_000)}b`, enabled: true, rawStatus: 'ACTIVE' })).toBe(false);
    expect(index.isServiceAccount({ accountId: 'y', login: 'aaaa', enabled: true, rawStatus: 'ACTIVE' })).toBe(true);
  });

  it('rejects an invalid pattern as a config error', () => {
    // The config refuses it when loaded; an index built by hand from such a list refuses it too.
    const bad = { ...identity(), serviceAccounts: { loginPatterns: ['('], types: [] } };
    expect(() => new IdentityIndex([], bad, TOKYO)).toThrow(/loginPatterns\[0\]/);
  });
});

describe('login normalisation', () => {
  it('normalises and canonicalises', () => {
    expect(normaliseLogin(' EXAMPLE\\Ken.Ito ')).toBe('ken.ito');
    expect(canonicalLogin('ken.ito', cfg, TOKYO)).toBe('ken.ito@example.co.jp');
    expect(canonicalLogin('Ken.Ito@Example.co.jp', cfg, TOKYO)).toBe('ken.ito@example.co.jp');
    expect(canonicalLogin('k.ito-admin', cfg, TOKYO)).toBe('ken.ito@example.co.jp');
    expect(canonicalLogin('ken.ito', cfg, { defaultLoginDomain: undefined })).toBe('ken.ito');
    expect(index.canonical('EXAMPLE\\ken.ito')).toBe('ken.ito@example.co.jp');
  });
});

describe('scale', () => {
  it('indexes 100,000 people (correctness at size; timing is in the benchmark)', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => hr({ employeeId: `E${i}`, email: `user${i}@example.co.jp` }));
    const idx = new IdentityIndex(many, identity(), TOKYO);
    expect(idx.people).toHaveLength(100_000);
    expect(idx.resolve('user99999')?.employeeIds).toEqual(['E99999']);
  });
});

describe('full-width identity keys (a roster typed in a Japanese IME)', () => {
  // ＭＩＫＡ．ＯＮＯ＠ＥＸＡＭＰＬＥ．ＣＯ．ＪＰ is NFKC "MIKA.ONO@EXAMPLE.CO.JP"; Ｅ０１０ is "E010".
  const wide = new IdentityIndex([hr({ employeeId: 'Ｅ０１０', email: 'ＭＩＫＡ．ＯＮＯ＠ＥＸＡＭＰＬＥ．ＣＯ．ＪＰ', logins: ['ｍｏｎｏ'] })], cfg, TOKYO);
  it('an ASCII email, employee id or login from another source finds the person', () => {
    expect(wide.resolve('mika.ono@example.co.jp')?.id).toBe('mika.ono@example.co.jp');
    expect(wide.resolve('e010')?.id).toBe('mika.ono@example.co.jp');
    expect(wide.resolve('mono')?.id).toBe('mika.ono@example.co.jp');
    expect(wide.resolveAccount(acct('someone', { email: 'Mika.Ono@example.co.jp' }))?.id).toBe('mika.ono@example.co.jp');
  });
  it('a full-width name in a log or an account is folded the same way', () => {
    expect(index.resolve('ｋｅｎ．ｉｔｏ＠ｅｘａｍｐｌｅ．ｃｏ．ｊｐ')?.id).toBe('ken.ito@example.co.jp');
    expect(index.resolveAccount(acct('ｋｉｔｏ'))?.id).toBe('ken.ito@example.co.jp');
    expect(normaliseLogin('ＥＸＡＭＰＬＥ＼ｋｅｎ')).toBe('ken');
    expect(canonicalLogin('ｈａｎａ．ｓａｔｏ', cfg, { defaultLoginDomain: 'example.co.jp' })).toBe('hana.sato@example.co.jp');
  });
});

describe('aliases keyed bare or with the default domain', () => {
  const org = { ...TOKYO, defaultLoginDomain: 'example.co.jp' };
  const full = identity({ aliases: { 'yamada-t@example.co.jp': 'taro@example.co.jp' } });
  const bare = identity({ aliases: { 'h-sato': 'hana.sato@example.co.jp' } });
  it('an alias with the domain matches the bare log name, and one without matches the full name', () => {
    // taro@… is E003's email; hana.sato@… E002's.
    expect(new IdentityIndex(people, full, org).resolve('yamada-t')?.id).toBe('taro@example.co.jp');
    expect(new IdentityIndex(people, full, org).resolve('YAMADA-T@example.co.jp')?.id).toBe('taro@example.co.jp');
    expect(new IdentityIndex(people, bare, org).resolve('h-sato@example.co.jp')?.id).toBe('hana.sato@example.co.jp');
    expect(new IdentityIndex(people, bare, org).resolveAccount(acct('h-sato@example.co.jp'))?.id).toBe('hana.sato@example.co.jp');
  });
  it('both forms give the same access-log key, so a log name and an IdP login meet', () => {
    expect(canonicalLogin('yamada-t', full, org)).toBe('taro@example.co.jp');
    expect(canonicalLogin('yamada-t@example.co.jp', full, org)).toBe('taro@example.co.jp');
    expect(canonicalLogin('h-sato@example.co.jp', bare, org)).toBe('hana.sato@example.co.jp');
    // Another domain is another name: the alias does not apply.
    expect(canonicalLogin('yamada-t@other.example', full, org)).toBe('yamada-t@other.example');
  });
});
