/** Which SLA policy applies to a ticket: the first active one by position whose every given list holds the ticket's value. */
export interface PolicyMatch {
  types?: string[];
  priorities?: string[];
  customer_tiers?: string[];
  channels?: string[];
}

export interface MatchSubject {
  type: string;
  priority: string;
  customer_tier: string;
  channel: string;
}

export function matches(match: PolicyMatch, t: MatchSubject): boolean {
  const holds = (list: string[] | undefined, value: string) => !list || list.length === 0 || list.includes(value);
  return holds(match.types, t.type) && holds(match.priorities, t.priority) && holds(match.customer_tiers, t.customer_tier) && holds(match.channels, t.channel);
}

export function firstMatch<P extends { position: number; id: string; active: boolean; match: PolicyMatch }>(policies: readonly P[], t: MatchSubject): P | undefined {
  return [...policies]
    .filter((p) => p.active)
    .sort((a, b) => a.position - b.position || a.id.localeCompare(b.id))
    .find((p) => matches(p.match, t));
}
