/** `access-review status`: per campaign and reviewer, how many accounts are decided. Pure. */
import type { AccessReviewRecord } from '../collectors/access-review/records.ts';

export interface ReviewerStatus {
  reviewer: string;
  accounts: number;
  decided: number;
  /** Decided after the deadline. */
  late: number;
  remove: number;
}

export interface CampaignStatus {
  campaign: string;
  startedAt: string;
  deadline: string;
  deadlineAt: string;
  closedAt: string | null;
  accounts: number;
  decided: number;
  reviewers: ReviewerStatus[];
}

export function campaignStatuses(records: Iterable<AccessReviewRecord>): CampaignStatus[] {
  const byCampaign = new Map<string, CampaignStatus & { byReviewer: Map<string, ReviewerStatus> }>();
  for (const r of records) {
    let c = byCampaign.get(r.campaign);
    if (!c) {
      c = { campaign: r.campaign, startedAt: r.startedAt, deadline: r.deadline, deadlineAt: r.deadlineAt, closedAt: r.closedAt ?? null, accounts: 0, decided: 0, reviewers: [], byReviewer: new Map() };
      byCampaign.set(r.campaign, c);
    }
    let s = c.byReviewer.get(r.reviewer);
    if (!s) c.byReviewer.set(r.reviewer, (s = { reviewer: r.reviewer, accounts: 0, decided: 0, late: 0, remove: 0 }));
    c.accounts++;
    s.accounts++;
    if (r.decision) {
      c.decided++;
      s.decided++;
      if (r.decision === 'remove') s.remove++;
      if (r.reviewedAt && Date.parse(r.reviewedAt) > Date.parse(r.deadlineAt)) s.late++;
    }
  }
  return [...byCampaign.values()]
    .map(({ byReviewer, ...c }) => ({ ...c, reviewers: [...byReviewer.values()].sort((a, b) => (a.reviewer < b.reviewer ? -1 : 1)) }))
    .sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt) || (a.campaign < b.campaign ? -1 : 1));
}
