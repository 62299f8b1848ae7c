import type { StatsReportLike } from './rtc-types.js';

/** ICE candidate types (RFC 8445 §5.1.1): `relay` means the data goes through TURN. */
export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay';

const CANDIDATE_TYPES: readonly string[] = ['host', 'srflx', 'prflx', 'relay'];

type Stat = Record<string, unknown> & { type?: unknown; id?: unknown };

function isStat(value: unknown): value is Stat {
  return typeof value === 'object' && value !== null;
}

function candidateType(stat: Stat | undefined): CandidateType | undefined {
  const type = stat?.candidateType;
  return typeof type === 'string' && CANDIDATE_TYPES.includes(type) ? (type as CandidateType) : undefined;
}

/**
 * The type of the candidate pair in use, from a `getStats()` report: `relay` when either end is relayed,
 * otherwise the local candidate's type. The pair is found through the transport's `selectedCandidatePairId`
 * (Chromium, Safari) or the pair flagged `selected` (Firefox). Undefined while no pair is selected.
 */
export function selectedCandidatePairType(report: StatsReportLike): CandidateType | undefined {
  const byId = new Map<string, Stat>();
  report.forEach((value, key) => {
    if (isStat(value)) byId.set(key, value);
  });
  let pair: Stat | undefined;
  for (const stat of byId.values()) {
    if (stat.type === 'transport' && typeof stat.selectedCandidatePairId === 'string') {
      pair = byId.get(stat.selectedCandidatePairId);
      break;
    }
  }
  if (!pair) {
    for (const stat of byId.values()) {
      if (stat.type === 'candidate-pair' && stat.selected === true) pair = stat;
    }
  }
  if (!pair) return undefined;
  const local = typeof pair.localCandidateId === 'string' ? byId.get(pair.localCandidateId) : undefined;
  const remote = typeof pair.remoteCandidateId === 'string' ? byId.get(pair.remoteCandidateId) : undefined;
  const localType = candidateType(local);
  if (localType === 'relay' || candidateType(remote) === 'relay') return 'relay';
  return localType;
}
