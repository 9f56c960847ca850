/** The record kind `media-approval` of the removable-media-approvals source kind. */

/** Which devices an approval covers. */
export interface ApprovedDevice {
  /** Any removable device (`*` in the register). */
  any?: true;
  /** A USB vendor id (4 hex digits) or a vendor name, as written. */
  vendor?: string;
  /** A USB product id or a product name, as written. */
  product?: string;
  /** The serial, upper-cased; absent with vendor and product: any serial of that model. */
  serial?: string;
}

/** One approved request to use removable storage. Key: approvalId. */
export interface MediaApprovalRecord {
  approvalId: string;
  /** Who may use it: an email, employee id or log-in name (matched through the identity keys). */
  person: string;
  device: ApprovedDevice;
  /**
   * From when, and until when, inclusive: `YYYY-MM-DD` (a whole day in the organisation's zone:
   * from its start, through its end) or an ISO-8601 instant (exactly then). No `validTo`: no end.
   */
  validFrom: string;
  validTo?: string;
}

declare module '../../evidence/records.ts' {
  interface RecordKinds {
    'media-approval': MediaApprovalRecord;
  }
}
