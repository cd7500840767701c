import { apiFetch } from '../../../lib/api-client';
import type { SafeguardDecisionBody, SafeguardRequest, SafeguardRequestsResponse } from '../../../lib/pending-api-types';

export type StatusFilter = 'pending' | 'approved' | 'rejected' | 'expired' | 'all';

export const STATUS_FILTERS: { value: StatusFilter; label: string }[] = [
  { value: 'pending', label: 'En attente' },
  { value: 'approved', label: 'Approuvées' },
  { value: 'rejected', label: 'Rejetées' },
  { value: 'expired', label: 'Expirées' },
  { value: 'all', label: 'Toutes' },
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

export function approveRequest(body: SafeguardDecisionBody): Promise<SafeguardRequest> {
  return apiFetch<SafeguardRequest>('/webhook/wibot/safeguard/approve', { method: 'POST', body });
}

export function rejectRequest(body: Required<SafeguardDecisionBody>): Promise<SafeguardRequest> {
  return apiFetch<SafeguardRequest>('/webhook/wibot/safeguard/reject', { method: 'POST', body });
}
