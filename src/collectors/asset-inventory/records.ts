/** The record kind `asset` of the asset-inventory source kind (apart from source.ts, so the parser can name it). */

/** One asset of the inventory. Key: assetId. */
export interface AssetRecord {
  /** The inventory's id of the asset (`SRV-001`, `web01`, `ghcr.io/acme/app`). */
  assetId: string;
  /**
   * Other names the asset goes by in scanner reports and logs: host names, FQDNs, IP addresses,
   * image repositories. Compared trimmed and case-insensitively, like assetId.
   */
  hostnames?: string[];
  /** Who is responsible for it: a person's email, employee id or login (matched through identity keys). */
  owner?: string;
  department?: string;
  /** First day in service, `YYYY-MM-DD` (a whole day in the organisation's zone); absent: always. */
  activeFrom?: string;
  /** Last day in service, `YYYY-MM-DD`, inclusive; absent: still in service. */
  activeTo?: string;
}

declare module '../../evidence/records.ts' {
  interface RecordKinds {
    asset: AssetRecord;
  }
}
