/**
 * Who owns a host, for connections that name no user (a USB stick mounted by the system, a
 * Linux kernel line): the owner an asset inventory gives it at that instant. The KPI sees only
 * this small interface; `hostOwnersFromAssets` builds it from asset-inventory records (the
 * `asset` record kind: asset id, other names, owner, in service from / to), or any records of
 * that shape.
 */
import { dayAfterStart, dayStart } from './time.ts';

export interface HostOwners {
  /** The owner (an email, employee id or log-in name) of the host at `atMs`, if known. */
  ownerOf(host: string, atMs: number): string | undefined;
}

export const NO_HOST_OWNERS: HostOwners = { ownerOf: () => undefined };

/** The fields of an asset record this reads (src/collectors/asset-inventory's AssetRecord). */
export interface AssetLike {
  assetId: string;
  hostnames?: readonly string[];
  owner?: string;
  activeFrom?: string;
  activeTo?: string;
}

const short = (h: string): string => {
  const dot = h.indexOf('.');
  return dot > 0 && !/^\d+\.\d+\.\d+\.\d+$/.test(h) ? h.slice(0, dot) : h;
};

/**
 * Host owners from an asset inventory. Names compare trimmed and case-insensitively; a name
 * with a domain also matches its first label (`pc-0012.example.co.jp` is `PC-0012`). An asset
 * counts from the start of its `activeFrom` day through the end of its `activeTo` day.
 */
export function hostOwnersFromAssets(assets: Iterable<AssetLike>, zone: string): HostOwners {
  const byName = new Map<string, { owner: string; fromMs: number; toMs: number }[]>();
  for (const a of assets) {
    if (!a.owner) continue;
    const span = { owner: a.owner, fromMs: a.activeFrom ? dayStart(a.activeFrom, zone) : Number.NEGATIVE_INFINITY, toMs: a.activeTo ? dayAfterStart(a.activeTo, zone) : Number.POSITIVE_INFINITY };
    const names = new Set<string>();
    for (const n of [a.assetId, ...(a.hostnames ?? [])]) {
      const l = n.trim().toLowerCase();
      if (!l) continue;
      names.add(l);
      names.add(short(l));
    }
    for (const n of names) byName.set(n, [...(byName.get(n) ?? []), span]);
  }
  return {
    ownerOf(host, atMs) {
      const h = host.trim().toLowerCase();
      for (const name of h === short(h) ? [h] : [h, short(h)]) {
        const hit = byName.get(name)?.find((s) => atMs >= s.fromMs && atMs < s.toMs);
        if (hit) return hit.owner;
      }
      return undefined;
    },
  };
}
