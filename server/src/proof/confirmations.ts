/**
 * When did an agent confirm a version at or after v? An agent that applies version N
 * holds every change up to N (a set is compiled from data read after its version), so the
 * first confirmation of any version >= v proves the change of version v is in force.
 */
export interface ConfirmedDelivery {
  agentId: string;
  version: number;
  /** Server time of the confirmation. */
  confirmedAt: number;
}

export interface Confirmation {
  version: number;
  at: number;
}

export class ConfirmationIndex {
  private readonly byAgent = new Map<string, { versions: number[]; earliest: Confirmation[] }>();

  constructor(deliveries: readonly ConfirmedDelivery[]) {
    const grouped = new Map<string, ConfirmedDelivery[]>();
    for (const d of deliveries) {
      const list = grouped.get(d.agentId) ?? [];
      list.push(d);
      grouped.set(d.agentId, list);
    }
    for (const [agentId, list] of grouped) {
      list.sort((a, b) => a.version - b.version);
      // earliest[i]: the first confirmation among versions list[i..].
      const earliest = new Array<Confirmation>(list.length);
      for (let i = list.length - 1; i >= 0; i--) {
        const here = { version: list[i]!.version, at: list[i]!.confirmedAt };
        const later = earliest[i + 1];
        earliest[i] = later && later.at < here.at ? later : here;
      }
      this.byAgent.set(agentId, { versions: list.map((d) => d.version), earliest });
    }
  }

  /** The first confirmation by `agentId` of a version >= `version`, or null. */
  confirmation(agentId: string, version: number): Confirmation | null {
    const entry = this.byAgent.get(agentId);
    if (!entry) return null;
    let lo = 0;
    let hi = entry.versions.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (entry.versions[mid]! < version) lo = mid + 1;
      else hi = mid;
    }
    return entry.earliest[lo] ?? null;
  }
}
