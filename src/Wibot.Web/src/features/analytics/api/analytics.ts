import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { apiFetch } from '@/lib/api-client';
import { formatDate } from '@/lib/format';
import type { AnalyticsResponse } from '@/lib/schemas';

export interface Period {
  from: string;
  to: string;
}

export const analyticsKeys = {
  all: ['analytics'] as const,
  period: (period: Period) => [...analyticsKeys.all, period.from, period.to] as const,
};

export function getAnalytics(from: string, to: string, signal?: AbortSignal): Promise<AnalyticsResponse> {
  return apiFetch<AnalyticsResponse>('/webhook/wibot/analytics', { query: { from, to }, signal });
}

/** The figures of one period; the previous period stays on screen while the next one loads. */
export const analyticsQueryOptions = (period: Period) =>
  queryOptions({
    queryKey: analyticsKeys.period(period),
    queryFn: ({ signal }) => getAnalytics(period.from, period.to, signal),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });

export function useAnalytics(period: Period) {
  return useQuery(analyticsQueryOptions(period));
}

export const MODE_LABELS: Record<string, string> = { flash: 'Flash', code: 'Code', redaction: 'Rédaction' };

export interface DayPoint {
  date: string;
  label: string;
  tokens: number;
  messages: number;
}
export interface NamedPoint {
  name: string;
  tokens: number;
  messages: number;
}
export interface QuotaPoint {
  name: string;
  used: number;
  quota: number;
  percent: number;
}

/** The series drawn by the dashboard, from the API's answer. */
export function chartSeries(data: AnalyticsResponse): { days: DayPoint[]; modes: NamedPoint[]; users: NamedPoint[]; quotas: QuotaPoint[] } {
  return {
    days: (data.by_day ?? []).map((d) => ({
      date: d.date ?? '',
      label: formatDate(d.date).slice(0, 5),
      tokens: d.tokens ?? 0,
      messages: d.messages ?? 0,
    })),
    modes: (data.by_mode ?? []).map((m) => ({ name: MODE_LABELS[m.mode ?? ''] ?? m.mode ?? '—', tokens: m.tokens ?? 0, messages: m.messages ?? 0 })),
    users: (data.top_users ?? []).map((u) => ({ name: u.username ?? `#${u.user_id ?? '?'}`, tokens: u.tokens ?? 0, messages: u.messages ?? 0 })),
    quotas: (data.quotas ?? []).map((q) => {
      const used = q.used_tokens ?? 0;
      const quota = q.quota_tokens ?? 0;
      return { name: q.username ?? `#${q.user_id ?? '?'}`, used, quota, percent: quota > 0 ? Math.min(100, Math.round((used / quota) * 100)) : 100 };
    }),
  };
}
