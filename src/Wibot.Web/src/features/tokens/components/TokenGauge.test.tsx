// @vitest-environment jsdom
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { formatNumber } from '@/lib/format';
import { mockFetchPerTest } from '@/lib/test-storage';
import { jsonResponse, renderWithProviders } from '@/lib/test-utils';
import { TokenGauge } from './TokenGauge';

const balance = (used: number, quota: number) => ({
  month: '2026-11-01',
  used_tokens: used,
  quota_tokens: quota,
  remaining_tokens: Math.max(0, quota - used),
  resets_at: '2026-12-01T09:00:00Z',
});

describe('TokenGauge', () => {
  const fetchMock = mockFetchPerTest();

  it('shows the use below 80 % without warning nor reset date', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, balance(12_000, 50_000)));
    renderWithProviders(<TokenGauge />);
    const gauge = await screen.findByTestId('token-gauge');
    expect(gauge.dataset.level).toBe('ok');
    expect(gauge.textContent).toContain(`${formatNumber(12_000)} / ${formatNumber(50_000)}`);
    const bar = screen.getByRole('progressbar', { name: 'Consommation mensuelle de tokens' });
    expect(bar.getAttribute('aria-valuenow')).toBe('12000');
    expect(bar.getAttribute('aria-valuemax')).toBe('50000');
    expect(bar.getAttribute('aria-valuetext')).toContain('tokens restants');
    expect(gauge.textContent).not.toContain('Réinit.');
  });

  it('warns from 80 % with the percentage and the reset date', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, balance(41_000, 50_000)));
    renderWithProviders(<TokenGauge />);
    const gauge = await screen.findByTestId('token-gauge');
    expect(gauge.dataset.level).toBe('warning');
    expect(gauge.textContent).toContain('82 %');
    expect(gauge.textContent).toContain('Réinit. le 01/12/2026');
  });

  it('says the quota is spent, with the reset date for screen readers', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, balance(50_400, 50_000)));
    renderWithProviders(<TokenGauge />);
    const gauge = await screen.findByTestId('token-gauge');
    expect(gauge.dataset.level).toBe('exhausted');
    expect(gauge.textContent).toContain('épuisé');
    const bar = screen.getByRole('progressbar', { name: 'Consommation mensuelle de tokens' });
    expect(bar.getAttribute('aria-valuenow')).toBe('50000');
    expect(bar.getAttribute('aria-valuetext')).toBe('Quota épuisé, réinitialisation le 01/12/2026');
  });

  it('tells when the balance cannot be read', async () => {
    fetchMock.mockResolvedValue(jsonResponse(500, { title: 'Erreur', status: 500 }, 'application/problem+json'));
    renderWithProviders(<TokenGauge />);
    expect(await screen.findByText('Solde indisponible')).toBeTruthy();
  });
});
