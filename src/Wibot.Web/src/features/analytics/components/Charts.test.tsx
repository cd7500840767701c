// @vitest-environment jsdom
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { AnalyticsResponse } from '@/lib/schemas';
import { renderWithProviders } from '@/lib/test-utils';
import { chartSeries } from '../api/analytics';
import { QuotaUseChart, TokensByModeChart, TokensPerDayChart } from './Charts';

const data: AnalyticsResponse = {
  period: { from: '2026-11-01', to: '2026-11-30' },
  totals: { users: 3, active_users: 2, conversations: 4, messages: 12, tokens: 4200 },
  by_day: [
    { date: '2026-11-02', messages: 4, tokens: 1200 },
    { date: '2026-11-03', messages: 6, tokens: 2500 },
    { date: '2026-11-04', messages: 2, tokens: 500 },
  ],
  by_mode: [
    { mode: 'flash', messages: 8, tokens: 1700 },
    { mode: 'code', messages: 4, tokens: 2500 },
  ],
  top_users: [{ user_id: 2, username: 'tech', messages: 10, tokens: 4000 }],
  quotas: [
    { user_id: 2, username: 'tech', used_tokens: 45_000, quota_tokens: 50_000 },
    { user_id: 3, username: 'stagiaire', used_tokens: 0, quota_tokens: 0 },
  ],
};

describe('analytics charts', () => {
  it('turns the API answer into chart series (labels, percentages)', () => {
    const series = chartSeries(data);
    expect(series.days.map((d) => d.label)).toEqual(['02/11', '03/11', '04/11']);
    expect(series.modes.map((m) => m.name)).toEqual(['Flash', 'Code']);
    expect(series.quotas.map((q) => q.percent)).toEqual([90, 100]);
  });

  it('draws one bar per day in an SVG titled for assistive technologies', () => {
    const { container } = renderWithProviders(<TokensPerDayChart days={chartSeries(data).days} width={520} />);
    const svg = container.querySelector('svg.recharts-surface');
    expect(svg).not.toBeNull();
    expect(svg?.querySelector('title')?.textContent).toBe('Tokens par jour');
    expect(svg?.querySelector('desc')?.textContent).toContain('chaque jour');
    expect(container.querySelectorAll('.recharts-bar-rectangle')).toHaveLength(3);
    expect(screen.getByRole('heading', { name: 'Tokens par jour' })).toBeTruthy();
    // The same figures as a table for screen readers.
    const table = screen.getByRole('table', { name: 'Tokens par jour' });
    expect(table.textContent).toContain('03/11/2026');
  });

  it('colours each mode and each quota by its own value', () => {
    const series = chartSeries(data);
    const { container } = renderWithProviders(
      <>
        <TokensByModeChart modes={series.modes} width={400} />
        <QuotaUseChart quotas={series.quotas} width={400} />
      </>,
    );
    const fills = (chart: string) =>
      [...container.querySelectorAll(`[data-chart="${chart}"] .recharts-bar-rectangle path`)].map((p) => p.getAttribute('fill'));
    expect(fills('tokens-by-mode')).toEqual(['var(--mantine-color-orange-6)', 'var(--mantine-color-wibot-6)']);
    expect(fills('quota-use')).toEqual(['var(--mantine-color-red-6)', 'var(--mantine-color-red-6)']);
  });

  it('says when the period has no data instead of an empty chart', () => {
    const { container } = renderWithProviders(<TokensPerDayChart days={[]} width={520} />);
    expect(screen.getByText('Aucune donnée sur la période.')).toBeTruthy();
    expect(container.querySelector('svg.recharts-surface')).toBeNull();
  });
});
