import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '@/lib/api-client';
import type { RagDocument, RagDocumentsResponse, RagIngestResponse } from '@/lib/schemas';
import { adminKeys } from './users';

export async function listDocuments(signal?: AbortSignal): Promise<RagDocument[]> {
  const answer = await apiFetch<RagDocumentsResponse>('/webhook/wibot/rag/documents', { signal });
  return answer?.documents ?? [];
}

/** Re-indexes the knowledge base (admin); answers the counts once done. */
export function reindexDocuments(): Promise<RagIngestResponse> {
  return apiFetch<RagIngestResponse>('/webhook/wibot/rag/ingest', { method: 'POST' });
}

export const documentsQueryOptions = () =>
  queryOptions({
    queryKey: adminKeys.documents(),
    queryFn: ({ signal }) => listDocuments(signal),
  });

export function useDocuments() {
  return useQuery(documentsQueryOptions());
}

export function useReindexDocuments() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: reindexDocuments,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.documents() }),
  });
}
