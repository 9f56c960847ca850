/**
 * Planning an access-review campaign (アカウント棚卸し): every active account of the in-scope
 * identity sources at the start instant, each with its owner, department and reviewer. Pure:
 * the evidence as of the start comes in, the campaign manifest goes out.
 *
 * The reviewer of an account is the first of: the configured reviewer of its department (the
 * owner's department in HR at the start, else the IdP's), the owner's department head from HR
 * (`departmentHead` column), the configured fallback reviewer — skipping anyone who is the
 * account's own owner (a review by the owner does not count). Orphan and service accounts have
 * no owner: their department's reviewer, else the fallback.
 */
import type { AccessReviewSourceConfig } from '../collectors/access-review/source.ts';
import type { CampaignManifest, ManifestAccount } from '../collectors/access-review/manifest.ts';
import type { IdentityConfig, OrganisationConfig } from '../config/fields.ts';
import type { AccountRecord, PersonRecord, Versioned } from '../evidence/records.ts';
import { isActive } from '../kpi/accounts.ts';
import { employmentAt } from '../kpi/employment.ts';
import { IdentityIndex, type Person } from '../kpi/identity.ts';
import { normText } from '../kpi/params.ts';
import { isoInZone } from '../kpi/time.ts';

export interface PlanInput {
  campaign: string;
  startedAtMs: number;
  /** As given (`2026-10-15`) and as an instant. */
  deadline: string;
  deadlineAtMs: number;
  sources: readonly string[];
  people: readonly Versioned<PersonRecord>[];
  accounts: readonly Versioned<AccountRecord>[];
  review: Pick<AccessReviewSourceConfig, 'reviewers' | 'fallbackReviewer'>;
  organisation: OrganisationConfig;
  identity: IdentityConfig;
  leftStatuses?: Readonly<Record<string, readonly string[]>>;
}

export function planCampaign(input: PlanInput): CampaignManifest {
  const zone = input.organisation.timeZone;
  const T = input.startedAtMs;
  const index = new IdentityIndex(input.people, input.identity, input.organisation);
  const rules = { zone, ...(input.leftStatuses ? { leftStatuses: input.leftStatuses } : {}) };
  const byDept = new Map(Object.entries(input.review.reviewers).map(([d, r]) => [normText(d), r]));
  const who = (identifier: string): { id: string; person?: Person } => {
    const p = index.resolve(identifier);
    return p ? { id: p.id, person: p } : { id: identifier.trim().toLowerCase() };
  };
  const sheets = new Map<string, ManifestAccount[]>();
  for (const v of input.accounts) {
    if (!isActive(v)) continue;
    const a = v.current!;
    const service = index.isServiceAccount(a);
    const owner = service ? undefined : index.resolveAccount(a);
    const emp = owner ? employmentAt(owner, T, rules) : undefined;
    const department = emp?.department ?? a.department;
    const candidates = [
      department !== undefined ? byDept.get(normText(department)) : undefined,
      emp?.record?.departmentHead,
      input.review.fallbackReviewer,
    ].filter((c): c is string => c !== undefined && c.trim() !== '');
    const resolved = candidates.map(who);
    const reviewer = resolved.find((r) => !owner || r.person !== owner) ?? resolved[resolved.length - 1]!;
    const entry: ManifestAccount = {
      source: v.source,
      accountId: a.accountId,
      account: a.login,
      owner: owner?.id ?? null,
      ownerKind: service ? 'service' : owner ? 'person' : 'orphan',
      department: department ?? null,
      status: a.rawStatus,
      lastLogin: a.lastLoginAt ?? null,
      groups: a.groups ?? [],
    };
    sheets.set(reviewer.id, [...(sheets.get(reviewer.id) ?? []), entry]);
  }
  // Code-point order, so the same evidence gives the same sheets on every machine.
  const cmp = (p: string, q: string) => (p < q ? -1 : p > q ? 1 : 0);
  const order = (x: ManifestAccount, y: ManifestAccount) => cmp(x.department ?? '\uffff', y.department ?? '\uffff') || cmp(x.source, y.source) || cmp(x.account, y.account);
  return {
    v: 1,
    campaign: input.campaign,
    startedAt: isoInZone(T, zone),
    deadline: input.deadline,
    deadlineAt: isoInZone(input.deadlineAtMs, zone),
    sources: [...input.sources],
    sheets: [...sheets.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([reviewer, accounts]) => ({ reviewer, files: [], accounts: accounts.sort(order) })),
  };
}
