import { Box, Group, Progress, Text, Tooltip } from '@mantine/core';
import { formatDate, formatNumber } from '@/lib/format';
import { gaugeState } from '../api/gauge';
import { useTokenBalance } from '../api/tokens';

const COLORS = { ok: 'teal', warning: 'orange', exhausted: 'red' } as const;

/** The monthly token balance; the query is refreshed after each chat answer (see src/app/ChatRoute). */
export function TokenGauge() {
  const { data: balance, isError } = useTokenBalance();

  if (!balance) {
    return (
      <Text size="sm" c="dimmed" w={190} data-testid="token-gauge-empty">
        {isError ? 'Solde indisponible' : 'Solde…'}
      </Text>
    );
  }
  const { used, quota, remaining, ratio, level } = gaugeState(balance);
  const resets = formatDate(balance.resets_at);
  const title =
    level === 'exhausted'
      ? `Quota mensuel épuisé (${formatNumber(used)} / ${formatNumber(quota)} tokens). Réinitialisation le ${resets}.`
      : `${formatNumber(used)} tokens utilisés sur ${formatNumber(quota)} ce mois-ci (${formatNumber(remaining)} restants). Réinitialisation le ${resets}.`;

  return (
    <Tooltip label={title} multiline w={260} withArrow>
      <Box w={{ base: 140, md: 190 }} data-testid="token-gauge" data-used={used} data-quota={quota} data-level={level} tabIndex={0} aria-describedby="token-gauge-title">
        <span id="token-gauge-title" className="sr-only">
          {title}
        </span>
        <Group justify="space-between" gap={4} wrap="nowrap">
          <Text size="xs" c="dimmed">
            Tokens
            {level === 'exhausted' && (
              <Text span size="xs" fw={700} c="red">
                {' '}
                · épuisé
              </Text>
            )}
            {level === 'warning' && (
              <Text span size="xs" fw={700} c="orange.8">
                {' '}
                · {Math.round(ratio * 100)} %
              </Text>
            )}
          </Text>
          <Text size="xs" fw={600}>
            {formatNumber(used)} / {formatNumber(quota)}
          </Text>
        </Group>
        <Progress.Root size="sm" mt={3}>
          <Progress.Section
            value={Math.round(ratio * 100)}
            color={COLORS[level]}
            // Our own ARIA: Mantine's would only say "NN%".
            withAria={false}
            role="progressbar"
            aria-valuemin={0}
            aria-valuemax={quota}
            aria-valuenow={Math.min(used, quota)}
            aria-label="Consommation mensuelle de tokens"
            aria-valuetext={level === 'exhausted' ? `Quota épuisé, réinitialisation le ${resets}` : `${formatNumber(remaining)} tokens restants`}
          />
        </Progress.Root>
        {level !== 'ok' && (
          <Text size="xs" c="dimmed" mt={2}>
            Réinit. le {resets}
          </Text>
        )}
      </Box>
    </Tooltip>
  );
}
