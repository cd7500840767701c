// @vitest-environment jsdom
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setSession } from '../../../lib/session';
import { installMemoryStorage } from '../../../lib/test-storage';
import { jsonResponse, renderWithProviders } from '../../../lib/test-utils';
import { SafeguardPage } from './SafeguardPage';

const pending = {
  request_id: 'APR-007',
  tool: 'ad_reset_password',
  arguments: { user: 'jdupont' },
  level: 'L3',
  status: 'pending',
  reason: 'Mot de passe oublié',
  requested_by: 'outil-ad',
  created_at: new Date().toISOString(),
  expires_at: new Date(Date.now() + 3_600_000).toISOString(),
  can_decide: true,
};

describe('SafeguardPage', () => {
  let queue: (typeof pending)[];
  beforeEach(() => {
    installMemoryStorage();
    setSession({
      token: 't',
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      user: { id: 3, username: 'tech3', email: null, role: 'user', accreditation_level: 'N3' },
    });
    queue = [pending];
    vi.stubGlobal(
      'fetch',
      vi.fn((url: string) => {
        // No event stream on this "server": the page falls back to polling.
        if (url.endsWith('/safeguard/events')) return Promise.resolve(jsonResponse(404, { title: 'Not Found', status: 404 }));
        if (url.endsWith('/safeguard/approve')) {
          queue = [];
          return Promise.resolve(jsonResponse(200, { success: true, ...pending, status: 'approved' }));
        }
        return Promise.resolve(jsonResponse(200, { success: true, requests: queue }));
      }),
    );
  });
  afterEach(() => vi.unstubAllGlobals());

  it('confirms an approval even though the decided request leaves the list', async () => {
    const user = userEvent.setup();
    renderWithProviders(<SafeguardPage />);
    const detail = await screen.findByTestId('request-detail');
    expect(screen.getByTestId('safeguard-live').textContent).toContain('toutes les 10 secondes');
    await user.click(within(detail).getByRole('button', { name: 'Approuver' }));
    expect((await screen.findByText('Demande APR-007 approuvée.')).closest('[role="status"]')).not.toBeNull();
    expect(await screen.findByTestId('safeguard-empty')).toBeTruthy();
    expect(screen.queryByTestId('request-detail')).toBeNull();
  });
});
