import { useMutation } from '@tanstack/react-query';
import { apiFetch } from '@/lib/api-client';
import type { LoginBody, LoginResponse } from '@/lib/schemas';
import { clearSession, setSession, type Session } from '@/lib/session';

export async function login(body: LoginBody): Promise<Session> {
  const answer = await apiFetch<LoginResponse>('/webhook/auth/login', { method: 'POST', body, auth: false });
  if (!answer?.token || !answer.user) throw new Error('Réponse de connexion inattendue.');
  const session: Session = { token: answer.token, expiresAt: answer.expires_at ?? '', user: answer.user };
  setSession(session);
  return session;
}

export function useLogin() {
  return useMutation({ mutationFn: login });
}

/** Ends the session; the application clears the query cache when the session goes (src/app/App.tsx). */
export function logout(): void {
  clearSession();
}
