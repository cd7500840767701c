import { apiFetch } from '../../../lib/api-client';
import type { AnalyticsResponse } from '../../../lib/schemas';

export function getAnalytics(from: string, to: string, signal?: AbortSignal): Promise<AnalyticsResponse> {
  return apiFetch<AnalyticsResponse>('/webhook/wibot/analytics', { query: { from, to }, signal });
}
