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

/** The stored session, expired or not (an expired one is cleared by `expireSessionIfDue`, with its reason). */
function read(): Session | null {
  const raw = storage()?.getItem(STORAGE_KEY);
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as Session;
    if (typeof parsed.token !== 'string' || !parsed.user) return null;
    return parsed;
  } catch {
    return null;
  }
}

/**
 * The signed-in session; null when there is none or it has expired. Pure (it is React's snapshot,
 * read during render): the expired session is cleared by `expireSessionIfDue`.
 */
export function getSession(): Session | null {
  if (current === undefined) current = read();
  return current && !isExpired(current) ? current : null;
}

/** Ends an expired session (reason 'expired'); called by a timer and before each request. True when it did. */
export function expireSessionIfDue(): boolean {
  if (current === undefined) current = read();
  if (!current || !isExpired(current)) return false;
  clearSession('expired');
  return true;
}

/** Checks the expiry periodically, and when the tab comes back into view; returns the stop function. */
export function watchSessionExpiry(intervalMs = 1000): () => void {
  const check = () => void expireSessionIfDue();
  check();
  const timer = setInterval(check, intervalMs);
  const onVisible = () => {
    if (document.visibilityState === 'visible') check();
  };
  document.addEventListener('visibilitychange', onVisible);
  window.addEventListener('focus', check);
  return () => {
    clearInterval(timer);
    document.removeEventListener('visibilitychange', onVisible);
    window.removeEventListener('focus', check);
  };
}

export function setSession(session: Session): void {
  current = session;
  storage()?.setItem(STORAGE_KEY, JSON.stringify(session));
  notify();
}

export type LogoutReason = 'user' | 'expired';
let lastLogoutReason: LogoutReason | null = null;

/**
 * Why the last session ended (null when nobody logged out since the page loaded); 'expired' as
 * soon as the session is past its expiry, even before the timer cleared it. Pure, like getSession.
 */
export function getLogoutReason(): LogoutReason | null {
  if (current && isExpired(current)) return 'expired';
  return lastLogoutReason;
}

export function clearSession(reason: LogoutReason = 'user'): void {
  if (current === undefined) current = read();
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
