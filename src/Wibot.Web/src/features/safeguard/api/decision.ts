// Who may decide a Safeguard request, and why not (for the disabled buttons' visible reason).

/** "L3" → 3, "N2" → 2; 0 when unknown. */
export function levelNumber(level: string | null | undefined): number {
  const match = /(\d)/.exec(level ?? '');
  return match ? Number(match[1]) : 0;
}

/**
 * Null when the user may decide; otherwise the French reason shown under the disabled buttons.
 * The server's can_decide is authoritative: when it is false and the accreditation level is high
 * enough, the request was made on the user's behalf (nobody approves their own request).
 */
export function decisionBlockReason(
  request: { can_decide?: boolean; level?: string | null; already_approved?: boolean },
  userAccreditation: string | null | undefined,
): string | null {
  if (request.can_decide) return null;
  if (request.already_approved) return 'Vous avez déjà approuvé cette demande : une autre approbation est attendue';
  const required = levelNumber(request.level);
  if (levelNumber(userAccreditation) < required) return `Accréditation insuffisante pour une action L${required}`;
  return 'Demande faite en votre nom';
}
