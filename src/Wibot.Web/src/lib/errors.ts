// French wording for API errors shown in the UI.
import { ApiError } from './api-client';

/** A message suitable for an alert. Pass overrides for statuses whose meaning depends on the page. */
export function describeError(error: unknown, overrides: Partial<Record<number, string>> = {}): string {
  if (error instanceof ApiError) {
    const override = overrides[error.status];
    if (override) return override;
    if (error.isQuotaExceeded) return 'Quota mensuel atteint.';
    if (error.status === 429) return 'Trop de tentatives, réessayez plus tard.';
    if (error.status === 401) return 'Votre session a expiré, veuillez vous reconnecter.';
    return error.detail ?? error.title;
  }
  if (error instanceof Error && error.message) return error.message;
  return 'Une erreur inattendue est survenue.';
}
