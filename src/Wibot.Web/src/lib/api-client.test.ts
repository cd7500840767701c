import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { installMemoryStorage } from './test-storage';
import { ApiError, apiFetch, buildUrl } from './api-client';
import { getLogoutReason, getSession, setSession, subscribeSession } from './session';

function jsonResponse(status: number, body: unknown, contentType = 'application/json'): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'Content-Type': contentType } });
}

const session = {
  token: 'jwt-token',
  expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
  user: { id: 7, username: 'tech', email: 'tech@widip.fr', role: 'user', accreditation_level: 'N2' } as const,
};

describe('api-client', () => {
  let fetchMock: ReturnType<typeof vi.fn>;

  beforeEach(() => {
    installMemoryStorage();
    setSession(session);
    fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
  });

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('sends the bearer token and JSON body, and parses the JSON answer', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, { success: true, title: 'ok' }));
    const result = await apiFetch<{ success: boolean; title: string }>('/webhook/wibot/conversations/1', {
      method: 'PUT',
      body: { title: 'Nouveau' },
    });
    expect(result).toEqual({ success: true, title: 'ok' });
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('/webhook/wibot/conversations/1');
    expect(init.method).toBe('PUT');
    expect(init.body).toBe('{"title":"Nouveau"}');
    const headers = init.headers as Record<string, string>;
    expect(headers.Authorization).toBe('Bearer jwt-token');
    expect(headers['Content-Type']).toBe('application/json');
  });

  it('returns undefined for 204 No Content', async () => {
    fetchMock.mockResolvedValue(new Response(null, { status: 204 }));
    await expect(apiFetch('/webhook/wibot/conversations/1', { method: 'DELETE' })).resolves.toBeUndefined();
  });

  it('reads problem+json into a typed ApiError with field errors', async () => {
    fetchMock.mockResolvedValue(
      jsonResponse(
        400,
        {
          type: 'https://wibot.widip.fr/problems/validation',
          title: 'Requête invalide',
          status: 400,
          detail: 'Un ou plusieurs champs sont invalides.',
          errors: { username: ['Le nom est obligatoire.'], password: 'Trop court.' },
        },
        'application/problem+json',
      ),
    );
    const error = await apiFetch('/webhook/wibot/admin/users', { body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    const apiError = error as ApiError;
    expect(apiError.status).toBe(400);
    expect(apiError.title).toBe('Requête invalide');
    expect(apiError.detail).toBe('Un ou plusieurs champs sont invalides.');
    expect(apiError.errors).toEqual({ username: ['Le nom est obligatoire.'], password: ['Trop court.'] });
    expect(getSession()).not.toBeNull();
  });

  it('recognises the quota-exceeded problem type', async () => {
    fetchMock.mockResolvedValue(
      jsonResponse(429, { type: 'https://wibot/problems/quota-exceeded', title: 'Quota', status: 429 }, 'application/problem+json'),
    );
    const error = (await apiFetch('/x').catch((e: unknown) => e)) as ApiError;
    expect(error.isQuotaExceeded).toBe(true);
    const other = new ApiError({ status: 429, title: 'Trop de requêtes', type: 'https://wibot/problems/rate-limited' });
    expect(other.isQuotaExceeded).toBe(false);
  });

  it('copes with a non-JSON error body', async () => {
    fetchMock.mockResolvedValue(new Response('<html>Bad gateway</html>', { status: 502, headers: { 'Content-Type': 'text/html' } }));
    const error = (await apiFetch('/x').catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(502);
    expect(error.title).toBe('Erreur du serveur');
    expect(error.detail).toBeUndefined();
  });

  it('logs the user out on any 401', async () => {
    const listener = vi.fn();
    const unsubscribe = subscribeSession(listener);
    fetchMock.mockResolvedValue(jsonResponse(401, { title: 'Unauthorized', status: 401 }, 'application/problem+json'));
    const error = (await apiFetch('/webhook/wibot/user/tokens').catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(401);
    expect(getSession()).toBeNull();
    expect(localStorage.getItem('wibot.session')).toBeNull();
    expect(listener).toHaveBeenCalled();
    expect(getLogoutReason()).toBe('expired');
    unsubscribe();
  });

  it('does not send a token nor log out for unauthenticated calls (login)', async () => {
    fetchMock.mockResolvedValue(jsonResponse(401, { title: 'Identifiants invalides', status: 401 }, 'application/problem+json'));
    await apiFetch('/webhook/auth/login', { body: { username: 'a', password: 'b' }, auth: false }).catch(() => undefined);
    const headers = (fetchMock.mock.calls[0] as [string, RequestInit])[1].headers as Record<string, string>;
    expect(headers.Authorization).toBeUndefined();
    expect(getSession()).not.toBeNull();
  });

  it('turns a network failure into an ApiError with status 0', async () => {
    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'));
    const error = (await apiFetch('/x').catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(0);
  });

  it('builds query strings and skips empty values', () => {
    expect(buildUrl('/a', { from: '2026-11-01', to: undefined, status: 'all', empty: '' })).toBe('/a?from=2026-11-01&status=all');
    expect(buildUrl('/a')).toBe('/a');
  });
});
