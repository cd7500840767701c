import { apiFetch } from '../../../lib/api-client';
import type { TokenBalance } from '../../../lib/schemas';

export function getTokenBalance(signal?: AbortSignal): Promise<TokenBalance> {
  return apiFetch<TokenBalance>('/webhook/wibot/user/tokens', { signal });
}
