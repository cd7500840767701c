// @vitest-environment jsdom
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { SafeguardRequest } from '@/lib/schemas';
import { mockFetchPerTest } from '@/lib/test-storage';
import { createTestQueryClient, jsonResponse, renderWithProviders } from '@/lib/test-utils';
import { safeguardKeys } from '../api/safeguard';
import { RequestDetail } from './RequestDetail';

const NOW = Date.parse('2026-11-23T09:00:00Z');

function request(overrides: Partial<SafeguardRequest> = {}): SafeguardRequest {
  return {
    request_id: 'APR-007',
    tool: 'ad_reset_password',
    arguments: { user: 'jdupont' },
    level: 'L3',
    status: 'pending',
    reason: 'Mot de passe oublié',
    requested_by: 'outil-ad',
    requested_for: null,
    created_at: '2026-11-23T08:55:00Z',
    expires_at: '2026-11-23T09:40:00Z',
    can_decide: true,
    ...overrides,
  };
}

describe('Safeguard request detail', () => {
  const fetchMock = mockFetchPerTest();

  it('disables both buttons for an N1 technician on an L3 request, and says why', () => {
    renderWithProviders(<RequestDetail request={request({ can_decide: false })} now={NOW} accreditation="N1" onDecided={vi.fn()} />);
    const approve = screen.getByRole('button', { name: 'Approuver' });
    const reject = screen.getByRole('button', { name: 'Rejeter' });
    expect(approve.hasAttribute('disabled')).toBe(true);
    expect(reject.hasAttribute('disabled')).toBe(true);
    const reason = screen.getByTestId('decision-blocked');
    expect(reason.textContent).toContain('Accréditation insuffisante pour une action L3');
    // The reason is the buttons' description for assistive technologies.
    expect(approve.getAttribute('aria-describedby')).toBe(reason.id);
    expect(screen.getByTestId('request-arguments').textContent).toContain('"user": "jdupont"');
  });

  it('explains a request made on the user behalf even with a high accreditation', () => {
    renderWithProviders(
      <RequestDetail request={request({ can_decide: false, requested_for: 'tech3' })} now={NOW} accreditation="N3" onDecided={vi.fn()} />,
    );
    expect(screen.getByTestId('decision-blocked').textContent).toContain('Demande faite en votre nom');
  });

  it('refuses to reject without a comment, then approves and drops the request from the cached queue', async () => {
    const client = createTestQueryClient();
    client.setQueryData(safeguardKeys.list('pending'), [request(), request({ request_id: 'APR-008' })]);
    fetchMock.mockResolvedValue(jsonResponse(200, { success: true, ...request({ status: 'approved' }) }));
    const onDecided = vi.fn();
    const user = userEvent.setup();
    renderWithProviders(<RequestDetail request={request()} now={NOW} accreditation="N3" onDecided={onDecided} />, client);

    expect(screen.queryByTestId('decision-blocked')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Rejeter' }));
    expect(screen.getByRole('alert').textContent).toContain('Un commentaire est obligatoire pour rejeter une demande.');
    expect(fetchMock).not.toHaveBeenCalled();

    await user.type(screen.getByLabelText(/Commentaire/), 'Vu avec le client');
    await user.click(screen.getByRole('button', { name: 'Approuver' }));
    await vi.waitFor(() => expect(onDecided).toHaveBeenCalledWith('Demande APR-007 approuvée.', expect.objectContaining({ request_id: 'APR-007', status: 'approved' })));
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('/webhook/wibot/safeguard/approve');
    expect(JSON.parse(init.body as string)).toEqual({ request_id: 'APR-007', comment: 'Vu avec le client' });
    const pending = client.getQueryData<SafeguardRequest[]>(safeguardKeys.list('pending'));
    expect(pending?.map((r) => r.request_id)).toEqual(['APR-008']);
    expect(client.getQueryState(safeguardKeys.list('pending'))?.isInvalidated).toBe(true);
  });

  it('shows the server refusal (403) in French', async () => {
    fetchMock.mockResolvedValue(jsonResponse(403, { title: 'Forbidden', status: 403 }, 'application/problem+json'));
    const user = userEvent.setup();
    renderWithProviders(<RequestDetail request={request()} now={NOW} accreditation="N3" onDecided={vi.fn()} />);
    await user.click(screen.getByRole('button', { name: 'Approuver' }));
    expect((await screen.findByRole('alert')).textContent).toContain("Votre niveau d'accréditation ne permet pas de décider cette demande.");
  });
});
