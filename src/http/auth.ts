/**
 * Who may read the pages and /metrics: a bearer token (ISMS_METRICS_TOKEN, for Prometheus)
 * and/or the web config's basic-auth users (bcrypt hashes, for people and scrapers alike).
 * Either one admits a request; with neither configured everything is open (and `run` refuses
 * to listen beyond loopback). The scheme name is case-insensitive (RFC 9110).
 *
 * bcrypt is slow by design (tens of milliseconds per check), so, as the exporter-toolkit does,
 * a successful check is remembered for the exact (user, password, hash) triple; an unknown
 * user is checked against a dummy hash so that timing does not tell which users exist.
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';

export interface AuthConfig {
  token?: string;
  users?: ReadonlyMap<string, string>;
}

export type AuthResult = { ok: true; user?: string } | { ok: false; challenge: string };

const REMEMBER = 1000;

export class Authenticator {
  private readonly verified = new Set<string>();
  private dummy: Promise<string> | undefined;

  constructor(private readonly cfg: AuthConfig) {}

  get required(): boolean {
    return this.cfg.token !== undefined || (this.cfg.users?.size ?? 0) > 0;
  }

  private challenge(): string {
    return (this.cfg.users?.size ?? 0) > 0 ? 'Basic realm="isms-kpi", charset="UTF-8"' : 'Bearer realm="isms-kpi"';
  }

  async check(authorization: string | undefined): Promise<AuthResult> {
    if (!this.required) return { ok: true };
    const m = /^([A-Za-z]+) +(\S.*)$/.exec(authorization ?? '');
    const scheme = m?.[1]?.toLowerCase();
    const credentials = m?.[2]?.trim() ?? '';
    if (scheme === 'bearer' && this.cfg.token !== undefined && sameSecret(credentials, this.cfg.token)) return { ok: true };
    if (scheme === 'basic' && this.cfg.users && this.cfg.users.size > 0) {
      const decoded = Buffer.from(credentials, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) {
        const user = decoded.slice(0, colon);
        const password = decoded.slice(colon + 1);
        if (await this.passwordOk(user, password)) return { ok: true, user };
      }
    }
    return { ok: false, challenge: this.challenge() };
  }

  private async passwordOk(user: string, password: string): Promise<boolean> {
    const hash = this.cfg.users!.get(user);
    const key = createHash('sha256').update(`${user}\u0000${password}\u0000${hash ?? ''}`).digest('hex');
    if (hash !== undefined && this.verified.has(key)) return true;
    const ok = await bcrypt.compare(password, hash ?? (await this.dummyHash()));
    if (!ok || hash === undefined) return false;
    if (this.verified.size >= REMEMBER) this.verified.clear();
    this.verified.add(key);
    return true;
  }

  /** A hash of a random password, at the cost of the configured ones, for unknown users. */
  private dummyHash(): Promise<string> {
    const cost = Number(/^\$2[abxy]?\$(\d{2})\$/.exec([...this.cfg.users!.values()][0] ?? '')?.[1] ?? 10);
    return (this.dummy ??= bcrypt.hash(randomUUID(), cost));
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
