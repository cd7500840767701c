import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '@/lib/api-client';
import type { SafeguardDecisionBody, SafeguardRequest, SafeguardRequestResponse, SafeguardRequestsResponse } from '@/lib/schemas';

export type StatusFilter = 'pending' | 'approved' | 'rejected' | 'expired' | 'all';

/** Filters of the "Historique" tab. */
export const HISTORY_FILTERS: { value: StatusFilter; label: string }[] = [
  { value: 'all', label: 'Toutes' },
  { value: 'approved', label: 'Approuvées' },
  { value: 'rejected', label: 'Rejetées' },
  { value: 'expired', label: 'Expirées' },
];

export const STATUS_LABELS: Record<string, string> = {
  pending: 'En attente',
  approved: 'Approuvée',
  rejected: 'Rejetée',
  expired: 'Expirée',
};

/** Where a request came from ("Origine" of the detail). */
export const ORIGIN_LABELS: Record<string, string> = {
  api: "serveur d'outils (API)",
  chat: 'conversation (assistant)',
  gateway: 'agent externe (passerelle MCP)',
};

/** The same, short, for the list rows. */
export const ORIGIN_SHORT_LABELS: Record<string, string> = {
  api: 'API',
  chat: 'Assistant',
  gateway: 'Passerelle MCP',
};

/** What became of an approved call that WIBOT ran itself (detail, under its "Exécution" heading). */
export const EXECUTION_LABELS: Record<string, string> = {
  running: 'En cours',
  succeeded: 'Réussie',
  failed: 'Échouée',
  denied: "Refusée à l'exécution",
};

/** The same for the list rows, where the badge stands next to the decision's. */
export const EXECUTION_ROW_LABELS: Record<string, string> = {
  running: 'Exécution en cours',
  succeeded: 'Exécution réussie',
  failed: 'Exécution échouée',
  denied: "Refusée à l'exécution",
};

/** While the live event stream is down, the lists are polled this often. */
export const POLL_MS = 10_000;

export const safeguardKeys = {
  all: ['safeguard'] as const,
  lists: () => [...safeguardKeys.all, 'requests'] as const,
  list: (status: StatusFilter) => [...safeguardKeys.lists(), status] as const,
  request: (requestId: string) => [...safeguardKeys.all, 'request', requestId] as const,
};

export async function listRequests(status: StatusFilter, signal?: AbortSignal): Promise<SafeguardRequest[]> {
  const answer = await apiFetch<SafeguardRequestsResponse>('/webhook/wibot/safeguard/requests', { query: { status }, signal });
  return answer?.requests ?? [];
}

export function getRequest(requestId: string, signal?: AbortSignal): Promise<SafeguardRequestResponse> {
  return apiFetch<SafeguardRequestResponse>(`/webhook/wibot/safeguard/requests/${encodeURIComponent(requestId)}`, { signal });
}

/** One request, read on its own (a link to it: it may be decided, out of the pending list). */
export const safeguardRequestQueryOptions = (requestId: string) =>
  queryOptions({
    queryKey: safeguardKeys.request(requestId),
    queryFn: ({ signal }) => getRequest(requestId, signal),
  });

export function approveRequest(body: SafeguardDecisionBody): Promise<SafeguardRequestResponse> {
  return apiFetch<SafeguardRequestResponse>('/webhook/wibot/safeguard/approve', { method: 'POST', body });
}

export function rejectRequest(body: SafeguardDecisionBody & { comment: string }): Promise<SafeguardRequestResponse> {
  return apiFetch<SafeguardRequestResponse>('/webhook/wibot/safeguard/reject', { method: 'POST', body });
}

/** The requests of one status; polled every 10 s unless live events keep the cache fresh. */
export const safeguardRequestsQueryOptions = (status: StatusFilter, live: boolean) =>
  queryOptions({
    queryKey: safeguardKeys.list(status),
    queryFn: ({ signal }) => listRequests(status, signal),
    refetchInterval: live ? false : POLL_MS,
    // Live events invalidate the lists: what is cached stays valid until one arrives.
    staleTime: live ? Infinity : 5_000,
  });

export type Decision = { kind: 'approve'; requestId: string; comment?: string } | { kind: 'reject'; requestId: string; comment: string };

export function useDecideRequest() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (decision: Decision) =>
      decision.kind === 'reject'
        ? rejectRequest({ request_id: decision.requestId, comment: decision.comment })
        : approveRequest(decision.comment ? { request_id: decision.requestId, comment: decision.comment } : { request_id: decision.requestId }),
    onSuccess: (_answer, decision) => {
      // The decided request leaves the queue at once; every list is then read again.
      queryClient.setQueryData<SafeguardRequest[]>(safeguardKeys.list('pending'), (list) =>
        list?.filter((request) => request.request_id !== decision.requestId),
      );
      return queryClient.invalidateQueries({ queryKey: safeguardKeys.lists() });
    },
    // A 409 (decided elsewhere, expired) means our copy is old.
    onError: () => queryClient.invalidateQueries({ queryKey: safeguardKeys.lists() }),
  });
}
