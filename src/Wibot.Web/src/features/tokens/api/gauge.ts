import type { TokenBalance } from '@/lib/schemas';

export type GaugeLevel = 'ok' | 'warning' | 'exhausted';

/** Figures and colour of the token gauge: orange from 80 % of the quota, red once it is spent. */
export function gaugeState(balance: TokenBalance): { used: number; quota: number; remaining: number; ratio: number; level: GaugeLevel } {
  const used = balance.used_tokens ?? 0;
  const quota = balance.quota_tokens ?? 0;
  const remaining = Math.max(0, balance.remaining_tokens ?? quota - used);
  const ratio = quota > 0 ? Math.min(1, used / quota) : 1;
  const level: GaugeLevel = remaining <= 0 || used >= quota ? 'exhausted' : ratio >= 0.8 ? 'warning' : 'ok';
  return { used, quota, remaining, ratio, level };
}
