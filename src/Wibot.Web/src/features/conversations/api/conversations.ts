import { apiFetch } from '../../../lib/api-client';
import type { ConversationDto, ConversationsResponse } from '../../../lib/schemas';

const BASE = '/webhook/wibot/conversations';

export function listConversations(before?: string | null, signal?: AbortSignal): Promise<ConversationsResponse> {
  return apiFetch<ConversationsResponse>(BASE, { query: { limit: 50, before }, signal });
}

export async function renameConversation(id: string, title: string): Promise<ConversationDto | undefined> {
  const answer = await apiFetch<ConversationDto & { conversation?: ConversationDto }>(`${BASE}/${encodeURIComponent(id)}`, {
    method: 'PUT',
    body: { title },
  });
  return answer?.conversation ?? answer;
}

export function deleteConversation(id: string): Promise<void> {
  return apiFetch<void>(`${BASE}/${encodeURIComponent(id)}`, { method: 'DELETE' });
}
