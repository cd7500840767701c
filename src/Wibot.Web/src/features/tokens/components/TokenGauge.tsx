import { useCallback, useEffect, useState } from 'react';
import { on } from '../../../lib/events';
import { formatDateTime, formatNumber } from '../../../lib/format';
import type { TokenBalance } from '../../../lib/schemas';
import { getTokenBalance } from '../api/tokens';

/** The monthly token balance, refreshed after each chat answer. */
export function TokenGauge() {
  const [balance, setBalance] = useState<TokenBalance | null>(null);
  const [failed, setFailed] = useState(false);

  const refresh = useCallback(() => {
    getTokenBalance()
      .then((b) => {
        setBalance(b);
        setFailed(false);
      })
      .catch(() => setFailed(true));
  }, []);

  useEffect(() => {
    refresh();
    return on('tokens:changed', refresh);
  }, [refresh]);

  if (!balance) {
    return <div className="gauge gauge--empty">{failed ? 'Solde indisponible' : 'Solde…'}</div>;
  }
  const used = balance.used_tokens ?? 0;
  const quota = balance.quota_tokens ?? 0;
  const ratio = quota > 0 ? Math.min(1, used / quota) : 1;
  const level = ratio >= 0.9 ? 'danger' : ratio >= 0.7 ? 'warning' : 'ok';
  const remaining = balance.remaining_tokens ?? Math.max(0, quota - used);
  const title = `${formatNumber(used)} tokens utilisés sur ${formatNumber(quota)} ce mois-ci. Réinitialisation le ${formatDateTime(balance.resets_at)}.`;

  return (
    <div className="gauge" title={title} data-testid="token-gauge" data-used={used} data-quota={quota}>
      <div className="gauge__label">
        <span>Tokens</span>
        <span className="gauge__value">
          {formatNumber(used)} / {formatNumber(quota)}
        </span>
      </div>
      <div
        className={`gauge__track gauge__track--${level}`}
        role="progressbar"
        aria-label="Consommation mensuelle de tokens"
        aria-valuemin={0}
        aria-valuemax={quota}
        aria-valuenow={used}
        aria-valuetext={`${formatNumber(remaining)} tokens restants`}
      >
        <div className="gauge__fill" style={{ width: `${Math.round(ratio * 100)}%` }} />
      </div>
    </div>
  );
}
