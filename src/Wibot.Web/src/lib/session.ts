// The signed-in session (JWT + user), kept in localStorage and observable by React.
import type { LoginUser } from './schemas';

export interface Session {
  token: string;
  expiresAt: string;
  user: LoginUser;
}

const STORAGE_KEY = 'wibot.session';
type Listener = () => void;

const listeners = new Set<Listener>();
let current: Session | null | undefined;

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

function isExpired(session: Session): boolean {
  const expires = Date.parse(session.expiresAt);
  return Number.isFinite(expires) && expires <= Date.now();
}

function read(): Session | null {
  const raw = storage()?.getItem(STORAGE_KEY);
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as Session;
    if (typeof parsed.token !== 'string' || !parsed.user || isExpired(parsed)) return null;
    return parsed;
  } catch {
    return null;
  }
}

export function getSession(): Session | null {
  if (current === undefined) current = read();
  if (current && isExpired(current)) clearSession();
  return current ?? null;
}

export function setSession(session: Session): void {
  current = session;
  storage()?.setItem(STORAGE_KEY, JSON.stringify(session));
  notify();
}

export type LogoutReason = 'user' | 'expired';
let lastLogoutReason: LogoutReason | null = null;

/** Why the last session ended (null when nobody logged out since the page loaded). */
export function getLogoutReason(): LogoutReason | null {
  return lastLogoutReason;
}

export function clearSession(reason: LogoutReason = 'user'): void {
  const had = current !== null;
  if (had) lastLogoutReason = reason;
  current = null;
  storage()?.removeItem(STORAGE_KEY);
  if (had) notify();
}

export function subscribeSession(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function notify(): void {
  for (const listener of [...listeners]) listener();
}

// Another tab logging in or out.
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (event) => {
    if (event.key !== STORAGE_KEY) return;
    current = read();
    notify();
  });
}
