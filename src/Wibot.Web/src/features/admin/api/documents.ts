import { apiFetch } from '../../../lib/api-client';
import type { RagDocument, RagDocumentsResponse, RagIngestResponse } from '../../../lib/schemas';

export async function listDocuments(signal?: AbortSignal): Promise<RagDocument[]> {
  const answer = await apiFetch<RagDocumentsResponse>('/webhook/wibot/rag/documents', { signal });
  return answer?.documents ?? [];
}

/** Re-indexes the knowledge base (admin); answers the counts once done. */
export function reindexDocuments(): Promise<RagIngestResponse> {
  return apiFetch<RagIngestResponse>('/webhook/wibot/rag/ingest', { method: 'POST' });
}
