// The one fetch wrapper of the application: bearer token, JSON, problem+json errors, logout on 401.
import { clearSession, expireSessionIfDue, getSession } from './session';

export type FieldErrors = Record<string, string[]>;

/** An HTTP error answered by the API (RFC 9457 problem details) or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly type: string | undefined;
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: FieldErrors;

  constructor(init: { status: number; title: string; type?: string; detail?: string; errors?: FieldErrors }) {
    super(init.detail ?? init.title);
    this.name = 'ApiError';
    this.status = init.status;
    this.type = init.type;
    this.title = init.title;
    this.detail = init.detail;
    this.errors = init.errors ?? {};
  }

  /** Monthly token quota exhausted (429 whose problem type ends with /quota-exceeded). */
  get isQuotaExceeded(): boolean {
    return this.status === 429 && (this.type ?? '').endsWith('/quota-exceeded');
  }
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Query;
  /** A plain object is sent as JSON; FormData is sent as multipart/form-data. */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** false for the login route: no bearer token, and a 401 there is not a session expiry. */
  auth?: boolean;
}

export function buildUrl(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

function statusTitle(status: number): string {
  if (status === 0) return 'Serveur injoignable';
  if (status === 401) return 'Session expirée';
  if (status === 403) return 'Action non autorisée';
  if (status === 404) return 'Ressource introuvable';
  if (status === 429) return 'Trop de requêtes';
  if (status >= 500) return 'Erreur du serveur';
  return `Erreur ${status}`;
}

function asFieldErrors(value: unknown): FieldErrors {
  if (!value || typeof value !== 'object') return {};
  const result: FieldErrors = {};
  for (const [field, messages] of Object.entries(value as Record<string, unknown>)) {
    if (Array.isArray(messages)) result[field] = messages.map(String);
    else if (typeof messages === 'string') result[field] = [messages];
  }
  return result;
}

/** Reads an error response into an ApiError, whatever its body (problem+json, JSON, text, empty). */
export async function readError(response: Response): Promise<ApiError> {
  const status = response.status;
  let text = '';
  try {
    text = await response.text();
  } catch {
    // Body unreadable: keep the status alone.
  }
  let body: Record<string, unknown> | null = null;
  if (text) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
    } catch {
      // Not JSON (a proxy's HTML page, for instance).
    }
  }
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);
  return new ApiError({
    status,
    type: str(body?.type),
    title: str(body?.title) ?? statusTitle(status),
    detail: str(body?.detail) ?? str(body?.message) ?? str(body?.error),
    errors: asFieldErrors(body?.errors),
  });
}

/** Sends a request and returns the raw successful Response; errors become ApiError. */
export async function apiRequest(path: string, options: RequestOptions = {}): Promise<Response> {
  const useAuth = options.auth !== false;
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  // An expired token is not sent: the session ends here, with the "expired" message.
  if (useAuth) expireSessionIfDue();
  const session = useAuth ? getSession() : null;
  if (session) headers.Authorization = `Bearer ${session.token}`;

  let body: BodyInit | undefined;
  if (options.body instanceof FormData) {
    body = options.body;
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['Content-Type'] = 'application/json';
  }

  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method: options.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError({
      status: 0,
      title: statusTitle(0),
      detail: 'Impossible de joindre le serveur WIBOT. Vérifiez votre connexion.',
    });
  }

  if (!response.ok) {
    const error = await readError(response);
    if (response.status === 401 && useAuth) clearSession('expired');
    throw error;
  }
  return response;
}

/** Sends a request and parses the JSON answer (undefined for 204 or an empty body). */
export async function apiFetch<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await apiRequest(path, options);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError({ status: response.status, title: 'Réponse illisible', detail: 'Le serveur a renvoyé une réponse inattendue.' });
  }
}
