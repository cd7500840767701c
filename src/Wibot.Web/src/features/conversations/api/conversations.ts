import { infiniteQueryOptions, useInfiniteQuery, useMutation, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { apiFetch } from '@/lib/api-client';
import type { ConversationDto, ConversationsResponse } from '@/lib/schemas';

const BASE = '/webhook/wibot/conversations';

export const conversationKeys = {
  all: ['conversations'] as const,
  list: () => [...conversationKeys.all, 'list'] as const,
};

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

/** The caller's conversations, newest first, 50 a page ("Afficher plus" loads the next one). */
export const conversationsQueryOptions = () =>
  infiniteQueryOptions({
    queryKey: conversationKeys.list(),
    queryFn: ({ pageParam, signal }) => listConversations(pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_before ?? null,
  });

export function useConversations() {
  return useInfiniteQuery(conversationsQueryOptions());
}

type ConversationPages = InfiniteData<ConversationsResponse, string | null>;

/** Applies a change to every cached page of the list. */
function updatePages(pages: ConversationPages | undefined, change: (list: ConversationDto[]) => ConversationDto[]): ConversationPages | undefined {
  if (!pages) return pages;
  return { ...pages, pages: pages.pages.map((page) => ({ ...page, conversations: change(page.conversations ?? []) })) };
}

export function useRenameConversation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, title }: { id: string; title: string }) => renameConversation(id, title),
    onSuccess: (_answer, { id, title }) => {
      queryClient.setQueryData<ConversationPages>(conversationKeys.list(), (pages) =>
        updatePages(pages, (list) => list.map((c) => (c.conversation_id === id ? { ...c, title } : c))),
      );
      return queryClient.invalidateQueries({ queryKey: conversationKeys.list() });
    },
  });
}

export function useDeleteConversation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => deleteConversation(id),
    onSuccess: (_answer, id) => {
      queryClient.setQueryData<ConversationPages>(conversationKeys.list(), (pages) =>
        updatePages(pages, (list) => list.filter((c) => c.conversation_id !== id)),
      );
      return queryClient.invalidateQueries({ queryKey: conversationKeys.list() });
    },
  });
}
