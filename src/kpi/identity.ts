/**
 * Matching people across sources (KPIS.md: identity keys in the configured order, aliases,
 * a default domain for bare log-in names) and recognising service accounts.
 *
 * The index is built once per evaluation from the HR records — every record ever seen up to T,
 * including people since removed from the roster, so a leaver's account does not turn into an
 * "orphan" the day HR deletes the row. HR records that share an identity key (a re-hired person
 * with a new employee id but the same email, say) join into one {@link Person}; whether that
 * person is active or a leaver at T is decided in employment.ts.
 */
import type { IdentityConfig, OrganisationConfig } from '../config/fields.ts';
import type { AccountRecord, PersonRecord, Versioned } from '../evidence/records.ts';
import { compilePattern, type LinearPattern } from '../config/pattern.ts';
import { ConfigError } from '../errors.ts';
import { normText } from './params.ts';

type IdentityKey = IdentityConfig['keys'][number];

/** One human, possibly behind several HR records. */
export interface Person {
  /** For reports: the first email known, else employee id, else HR record key. */
  id: string;
  emails: string[];
  employeeIds: string[];
  /** HR records resolving to this person, as read as of T (with history). */
  records: Versioned<PersonRecord>[];
}

/** The latest known data of a versioned record (its current data, else its last non-null). */
export function latestData<T>(v: Versioned<T>): T | undefined {
  if (v.current !== null) return v.current;
  for (let i = v.versions.length - 1; i >= 0; i--) {
    const d = v.versions[i]!.data;
    if (d !== null) return d;
  }
  return undefined;
}

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * An identity key as compared: trimmed and lower-cased, and, when it holds anything but ASCII,
 * Unicode NFKC first, so a roster typed with full-width letters and digits (ｋｅｎ．ｉｔｏ＠…, ０１２３)
 * matches the IdP's and the logs' ASCII.
 */
export function foldKey(raw: string): string {
  const s = raw.trim();
  return (NON_ASCII.test(s) ? s.normalize('NFKC').trim() : s).toLowerCase();
}

/** Folded (foldKey); `DOMAIN\user` becomes `user`. */
export function normaliseLogin(raw: string): string {
  const s = foldKey(raw);
  const slash = s.lastIndexOf('\\');
  return slash >= 0 ? s.slice(slash + 1) : s;
}

/**
 * The one form under which access-log names and IdP logins are compared: normalised, mapped
 * through an alias when the alias names an email, and given the default domain when bare.
 */
export function canonicalLogin(raw: string, identity: Pick<IdentityConfig, 'aliases'>, org: Pick<OrganisationConfig, 'defaultLoginDomain'>): string {
  return canonicalWith(raw, lowerAliases(identity.aliases), org.defaultLoginDomain ? foldKey(org.defaultLoginDomain) || undefined : undefined);
}

function canonicalWith(raw: string, aliases: Map<string, string>, domain: string | undefined): string {
  const s = normaliseLogin(raw);
  const target = aliases.size === 0 ? undefined : aliasTarget(aliases, s, domain) ?? aliases.get(foldKey(raw));
  if (target !== undefined && target.includes('@')) return target;
  if (!s.includes('@') && domain) return `${s}@${domain}`;
  return s;
}

/**
 * The alias of a normalised log-in name, keyed as the config writes it: bare (`yamada-t`) or with
 * the default domain (`yamada-t@corp.example`) — a log names the bare form, an IdP the full one,
 * and either key matches both.
 */
function aliasTarget(aliases: Map<string, string>, login: string, domain: string | undefined): string | undefined {
  const direct = aliases.get(login);
  if (direct !== undefined || !domain) return direct;
  if (!login.includes('@')) return aliases.get(`${login}@${domain}`);
  return login.endsWith(`@${domain}`) ? aliases.get(login.slice(0, -domain.length - 1)) : undefined;
}

function lowerAliases(aliases: Readonly<Record<string, string>> | undefined): Map<string, string> {
  const m = new Map<string, string>();
  for (const [k, v] of Object.entries(aliases ?? {})) m.set(foldKey(k), foldKey(v));
  return m;
}

/** Lookups built once from the HR records and the identity config. */
export class IdentityIndex {
  readonly people: Person[] = [];
  private readonly byEmail = new Map<string, Person>();
  private readonly byEmployeeId = new Map<string, Person>();
  private readonly byLogin = new Map<string, Person>();
  private readonly aliases: Map<string, string>;
  private readonly keys: readonly IdentityKey[];
  private readonly domain: string | undefined;
  private readonly servicePatterns: LinearPattern[];
  private readonly serviceTypes: Set<string>;

  constructor(records: readonly Versioned<PersonRecord>[], identity: IdentityConfig, org: Pick<OrganisationConfig, 'defaultLoginDomain'>) {
    this.keys = identity.keys?.length ? identity.keys : ['email', 'employeeId', 'login'];
    this.aliases = lowerAliases(identity.aliases);
    this.domain = org.defaultLoginDomain ? foldKey(org.defaultLoginDomain) || undefined : undefined;
    this.servicePatterns = (identity.serviceAccounts?.loginPatterns ?? []).map((p, i) => {
      try {
        return compilePattern(p);
      } catch (cause) {
        throw new ConfigError([{ file: 'config', path: `identity.serviceAccounts.loginPatterns[${i}]`, message: `not a valid regular expression: ${(cause as Error).message}` }], { cause });
      }
    });
    this.serviceTypes = new Set((identity.serviceAccounts?.types ?? []).map(normText));
    this.build(records);
  }

  private build(records: readonly Versioned<PersonRecord>[]): void {
    const useEmail = this.keys.includes('email');
    const useId = this.keys.includes('employeeId');
    const useLogin = this.keys.includes('login');
    // Union-find over records: records sharing any identity key (an email, an employee id, an
    // HR login) are one person with several employments (KPIS.md), whichever key they share.
    const parent = records.map((_, i) => i);
    const find = (i: number): number => {
      while (parent[i]! !== i) {
        parent[i] = parent[parent[i]!]!;
        i = parent[i]!;
      }
      return i;
    };
    const union = (a: number, b: number): void => {
      const ra = find(a);
      const rb = find(b);
      if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
    };
    const firstByEmail = new Map<string, number>();
    const firstById = new Map<string, number>();
    const firstByLogin = new Map<string, number>();
    const data = records.map((r) => latestData(r));
    const emails: (string | undefined)[] = new Array(records.length);
    data.forEach((d, i) => {
      if (!d) return;
      const email = d.email ? foldKey(d.email) || undefined : undefined;
      emails[i] = email;
      const id = d.employeeId ? foldKey(d.employeeId) : undefined;
      if (useEmail && email) {
        const j = firstByEmail.get(email);
        if (j === undefined) firstByEmail.set(email, i);
        else union(i, j);
      }
      if (useId && id) {
        const j = firstById.get(id);
        if (j === undefined) firstById.set(id, i);
        else union(i, j);
      }
      if (useLogin) {
        for (const l of d.logins ?? []) {
          const n = normaliseLogin(l);
          if (!n) continue;
          const j = firstByLogin.get(n);
          if (j === undefined) firstByLogin.set(n, i);
          else union(i, j);
        }
      }
    });
    const byRoot: (Person | undefined)[] = new Array(records.length);
    records.forEach((r, i) => {
      const d = data[i];
      if (!d) return;
      const root = find(i);
      let p = byRoot[root];
      if (!p) {
        p = { id: '', emails: [], employeeIds: [], records: [] };
        byRoot[root] = p;
        this.people.push(p);
      }
      p.records.push(r);
      const email = emails[i];
      const id = d.employeeId?.trim();
      if (email && !p.emails.includes(email)) p.emails.push(email);
      if (id && !p.employeeIds.includes(id)) p.employeeIds.push(id);
      // Records sharing a key in `identity.keys` are one person by now; a key outside them (an
      // email when only employee ids match) claimed by several people: the first keeps it.
      if (email && !this.byEmail.has(email)) this.byEmail.set(email, p);
      const idKey = id ? foldKey(id) : undefined;
      if (idKey && !this.byEmployeeId.has(idKey)) this.byEmployeeId.set(idKey, p);
      for (const l of d.logins ?? []) {
        const n = normaliseLogin(l);
        if (n && !this.byLogin.has(n)) this.byLogin.set(n, p);
      }
    });
    for (const p of this.people) p.id = p.emails[0] ?? p.employeeIds[0] ?? p.records[0]!.key;
  }

  private byAlias(login: string): Person | undefined {
    if (this.aliases.size === 0) return undefined;
    const target = aliasTarget(this.aliases, login, this.domain);
    if (target === undefined) return undefined;
    return this.byEmail.get(target) ?? this.byEmployeeId.get(target);
  }

  private byEmailish(s: string): Person | undefined {
    if (s.includes('@')) return this.byEmail.get(s);
    return this.domain ? this.byEmail.get(`${s}@${this.domain}`) : undefined;
  }

  /**
   * The person behind an identifier as a log, LMS or phishing tool gives it: an email, an
   * employee id or a log-in name (bare, `user@domain` or `DOMAIN\user`). An alias wins (it is
   * explicit configuration); then the identity keys in the configured order.
   */
  resolve(identifier: string): Person | undefined {
    const raw = foldKey(identifier);
    if (!raw) return undefined;
    const login = normaliseLogin(raw);
    const aliased = this.byAlias(raw) ?? this.byAlias(login);
    if (aliased) return aliased;
    for (const k of this.keys) {
      const p =
        k === 'email' ? this.byEmailish(login)
        : k === 'employeeId' ? this.byEmployeeId.get(login)
        : this.byLogin.get(login);
      if (p) return p;
    }
    return undefined;
  }

  /** The owner of an IdP account, or undefined for an orphan account. */
  resolveAccount(a: AccountRecord): Person | undefined {
    const raw = foldKey(a.login ?? '');
    const slash = raw.lastIndexOf('\\');
    const login = slash >= 0 ? raw.slice(slash + 1) : raw;
    const aliased = this.aliases.size === 0 ? undefined : (this.byAlias(login) ?? (slash >= 0 ? this.byAlias(raw) : undefined));
    if (aliased) return aliased;
    for (const k of this.keys) {
      let p: Person | undefined;
      if (k === 'email') {
        const email = a.email ? foldKey(a.email) : undefined;
        p = (email ? this.byEmail.get(email) : undefined) ?? (login ? this.byEmailish(login) : undefined);
      } else if (k === 'employeeId') {
        const id = a.employeeId ? foldKey(a.employeeId) : undefined;
        p = id ? this.byEmployeeId.get(id) : undefined;
      } else if (login) {
        p = this.byLogin.get(login);
      }
      if (p) return p;
    }
    return undefined;
  }

  /** Service accounts (by login pattern or IdP account type) are not people's accounts. */
  isServiceAccount(a: AccountRecord): boolean {
    if (a.accountType !== undefined && this.serviceTypes.size > 0 && this.serviceTypes.has(normText(a.accountType))) return true;
    const login = a.login ?? '';
    for (const re of this.servicePatterns) if (re.test(login)) return true;
    return false;
  }

  /** The access-log key of a login (see {@link canonicalLogin}). */
  canonical(login: string): string {
    return canonicalWith(login, this.aliases, this.domain);
  }
}

// One index per (HR records, config) pair: several KPIs of one evaluation share it.
const cache = new WeakMap<object, { identity: IdentityConfig; org: object; index: IdentityIndex }[]>();

/** The index for these HR records and this config, built once and reused by every KPI. */
export function identityIndexFor(records: readonly Versioned<PersonRecord>[], identity: IdentityConfig, org: Pick<OrganisationConfig, 'defaultLoginDomain'>): IdentityIndex {
  let entries = cache.get(records);
  if (!entries) {
    entries = [];
    cache.set(records, entries);
  }
  const hit = entries.find((e) => e.identity === identity && e.org === org);
  if (hit) return hit.index;
  const index = new IdentityIndex(records, identity, org);
  entries.push({ identity, org, index });
  return index;
}
