// TEMPORARY: hand-written types for routes that the backend's OpenAPI document (openapi.json)
// does not describe yet (Safeguard, RAG). Delete this file and use the generated api-types.ts
// (via schemas.ts) as soon as `npm run gen:api` produces these schemas. Source: contract api.md.

export type SafeguardLevel = 'L1' | 'L2' | 'L3' | 'L4';
export type SafeguardStatus = 'pending' | 'approved' | 'rejected' | 'expired';

export interface SafeguardRequest {
  request_id: string;
  tool: string;
  arguments: unknown;
  level: SafeguardLevel | string;
  status: SafeguardStatus | string;
  reason: string | null;
  requested_by: string | null;
  requested_for: string | null;
  created_at: string;
  expires_at: string;
  decided_by: string | null;
  decided_at: string | null;
  comment: string | null;
  can_decide: boolean;
}

export interface SafeguardRequestsResponse {
  requests: SafeguardRequest[];
}

export interface SafeguardDecisionBody {
  request_id: string;
  comment?: string;
}

export interface RagDocument {
  path: string;
  title: string;
  type: string | null;
  tags: string[] | string | null;
  client: string | null;
  chunks: number;
  indexed_at: string;
}

export interface RagDocumentsResponse {
  documents: RagDocument[];
}

export interface RagSearchResult {
  document: string;
  title: string;
  path: string;
  type: string | null;
  client: string | null;
  snippet: string;
  score: number;
}

export interface RagSearchResponse {
  results: RagSearchResult[];
}

export interface RagIngestResponse {
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
  chunks: number;
  duration_ms: number;
}
