import { useCallback, useEffect, useState } from 'react';
import { emit, on } from '../../../lib/events';
import { formatDate, formatNumber } from '../../../lib/format';
import { gaugeState } from '../api/gauge';
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
        emit('tokens:balance', { exhausted: gaugeState(b).level === 'exhausted', resetsAt: b.resets_at ?? null });
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
  const { used, quota, remaining, ratio, level } = gaugeState(balance);
  const resets = formatDate(balance.resets_at);
  const title =
    level === 'exhausted'
      ? `Quota mensuel épuisé (${formatNumber(used)} / ${formatNumber(quota)} tokens). Réinitialisation le ${resets}.`
      : `${formatNumber(used)} tokens utilisés sur ${formatNumber(quota)} ce mois-ci (${formatNumber(remaining)} restants). Réinitialisation le ${resets}.`;

  return (
    <div className={`gauge gauge--${level}`} title={title} data-testid="token-gauge" data-used={used} data-quota={quota} data-level={level}>
      <div className="gauge__label">
        <span>
          Tokens
          {level === 'exhausted' && <span className="gauge__state"> · épuisé</span>}
          {level === 'warning' && <span className="gauge__state"> · {Math.round(ratio * 100)} %</span>}
        </span>
        <span className="gauge__value">
          {formatNumber(used)} / {formatNumber(quota)}
        </span>
      </div>
      <div
        className={`gauge__track gauge__track--${level === 'exhausted' ? 'danger' : level}`}
        role="progressbar"
        aria-label="Consommation mensuelle de tokens"
        aria-valuemin={0}
        aria-valuemax={quota}
        aria-valuenow={Math.min(used, quota)}
        aria-valuetext={level === 'exhausted' ? `Quota épuisé, réinitialisation le ${resets}` : `${formatNumber(remaining)} tokens restants`}
      >
        <div className="gauge__fill" style={{ width: `${Math.round(ratio * 100)}%` }} />
      </div>
      {level !== 'ok' && <div className="gauge__reset">Réinit. le {resets}</div>}
    </div>
  );
}
