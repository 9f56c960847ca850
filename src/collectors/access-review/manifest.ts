/**
 * A campaign as `isms-kpi access-review start` keeps it: `<outputDir>/<campaign>/campaign.json`,
 * beside the worksheets. It is the campaign's evidence — id, start instant, deadline, and each
 * reviewer's account list — which the access-review source reads back to know the population
 * (every account, decided or not) and to check the returned sheets against. Pure parsing here.
 */

export const MANIFEST_FILE = 'campaign.json';

/** One account as listed in a reviewer's sheet. */
export interface ManifestAccount {
  source: string;
  accountId: string;
  account: string;
  owner: string | null;
  ownerKind: 'person' | 'orphan' | 'service';
  department: string | null;
  status: string;
  lastLogin: string | null;
  groups: string[];
}

export interface ManifestSheet {
  reviewer: string;
  /** The worksheet files written for it, relative to the campaign's folder. */
  files: string[];
  accounts: ManifestAccount[];
}

export interface CampaignManifest {
  v: 1;
  campaign: string;
  startedAt: string;
  deadline: string;
  deadlineAt: string;
  /** The identity sources snapshotted. */
  sources: string[];
  sheets: ManifestSheet[];
}

const isStr = (v: unknown): v is string => typeof v === 'string' && v !== '';
const strOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';

/** Parse and check a manifest's text; throws an Error naming what is wrong. */
export function parseManifest(text: string): CampaignManifest {
  const m = JSON.parse(text) as Partial<CampaignManifest>;
  const bad = (what: string): never => {
    throw new Error(`not an access-review campaign manifest: ${what}`);
  };
  if (!m || typeof m !== 'object' || m.v !== 1) bad('expected "v": 1');
  if (!isStr(m.campaign)) bad('no campaign id');
  for (const f of ['startedAt', 'deadline', 'deadlineAt'] as const) if (!isStr(m[f]) || (f !== 'deadline' && Number.isNaN(Date.parse(m[f] as string)))) bad(`"${f}" is not a time`);
  if (!Array.isArray(m.sources) || !Array.isArray(m.sheets)) bad('no sources or sheets');
  m.sheets!.forEach((s, i) => {
    if (!s || !isStr(s.reviewer) || !Array.isArray(s.accounts)) bad(`sheet ${i + 1}: no reviewer or accounts`);
    s.accounts.forEach((a, j) => {
      if (!a || !isStr(a.source) || !isStr(a.accountId) || !isStr(a.account) || !strOrNull(a.owner) || !['person', 'orphan', 'service'].includes(a.ownerKind)) {
        bad(`sheet ${i + 1} (${s.reviewer}), account ${j + 1}: incomplete`);
      }
    });
  });
  return m as CampaignManifest;
}
