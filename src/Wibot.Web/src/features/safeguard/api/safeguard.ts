import { apiFetch } from '../../../lib/api-client';
import type { SafeguardDecisionBody, SafeguardRequest, SafeguardRequestResponse, SafeguardRequestsResponse } from '../../../lib/schemas';

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

export async function listRequests(status: StatusFilter, signal?: AbortSignal): Promise<SafeguardRequest[]> {
  const answer = await apiFetch<SafeguardRequestsResponse>('/webhook/wibot/safeguard/requests', { query: { status }, signal });
  return answer?.requests ?? [];
}

export function approveRequest(body: SafeguardDecisionBody): Promise<SafeguardRequestResponse> {
  return apiFetch<SafeguardRequestResponse>('/webhook/wibot/safeguard/approve', { method: 'POST', body });
}

export function rejectRequest(body: SafeguardDecisionBody & { comment: string }): Promise<SafeguardRequestResponse> {
  return apiFetch<SafeguardRequestResponse>('/webhook/wibot/safeguard/reject', { method: 'POST', body });
}
