import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiFetch } from '@/lib/api-client';
import type { TokenBalance } from '@/lib/schemas';

export const tokenKeys = {
  all: ['tokens'] as const,
  balance: () => [...tokenKeys.all, 'balance'] as const,
};

export function getTokenBalance(signal?: AbortSignal): Promise<TokenBalance> {
  return apiFetch<TokenBalance>('/webhook/wibot/user/tokens', { signal });
}

/** The monthly balance: refetched when the window regains focus and every minute (another tab may chat). */
export const tokenBalanceQueryOptions = () =>
  queryOptions({
    queryKey: tokenKeys.balance(),
    queryFn: ({ signal }) => getTokenBalance(signal),
    staleTime: 15_000,
    refetchInterval: 60_000,
    refetchOnWindowFocus: true,
  });

export function useTokenBalance() {
  return useQuery(tokenBalanceQueryOptions());
}
