import { Button, Group, Paper, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/Alert';
import { Spinner } from '@/components/ui/Spinner';
import { describeError } from '@/lib/errors';
import { formatDate, formatNumber, isoDay } from '@/lib/format';
import { chartSeries, useAnalytics, type Period } from '../api/analytics';
import { QuotaUseChart, TokensByModeChart, TokensPerDayChart, TopUsersChart } from './Charts';

function currentMonth(): Period {
  const now = new Date();
  return {
    from: isoDay(new Date(now.getFullYear(), now.getMonth(), 1)),
    to: isoDay(new Date(now.getFullYear(), now.getMonth() + 1, 0)),
  };
}

export function AnalyticsPage() {
  const [period, setPeriod] = useState(currentMonth);
  const [draft, setDraft] = useState(period);
  const [rangeError, setRangeError] = useState<string | null>(null);
  const analytics = useAnalytics(period);
  const data = analytics.data;

  const apply = (event: FormEvent) => {
    event.preventDefault();
    if (!draft.from || !draft.to || draft.from > draft.to) {
      setRangeError('La date de début doit précéder la date de fin.');
      return;
    }
    setRangeError(null);
    setPeriod({ ...draft });
  };

  const error = rangeError ?? (analytics.isError ? describeError(analytics.error) : null);
  const totals = data?.totals;
  const cards: { key: string; label: string; value: number | undefined }[] = [
    { key: 'users', label: 'Utilisateurs', value: totals?.users },
    { key: 'active_users', label: 'Utilisateurs actifs', value: totals?.active_users },
    { key: 'conversations', label: 'Conversations', value: totals?.conversations },
    { key: 'messages', label: 'Messages', value: totals?.messages },
    { key: 'tokens', label: 'Tokens consommés', value: totals?.tokens },
  ];
  const series = data ? chartSeries(data) : null;

  return (
    <Stack className="page" gap="md">
      <Group justify="space-between" align="flex-end">
        <Title order={1}>Statistiques d'utilisation</Title>
        <form onSubmit={apply} aria-label="Période">
          <Group gap="xs" align="flex-end">
            <TextInput type="date" label="Du" value={draft.from} onChange={(e) => setDraft((d) => ({ ...d, from: e.currentTarget.value }))} required />
            <TextInput type="date" label="au" value={draft.to} onChange={(e) => setDraft((d) => ({ ...d, to: e.currentTarget.value }))} required />
            <Button type="submit" variant="default">
              Afficher
            </Button>
          </Group>
        </form>
      </Group>
      {error && <Alert onDismiss={rangeError ? () => setRangeError(null) : undefined}>{error}</Alert>}
      {analytics.isPending && <Spinner />}
      {data && series && (
        <>
          <Text c="dimmed">
            Période du {formatDate(data.period?.from)} au {formatDate(data.period?.to)}
            {analytics.isFetching && ' — mise à jour…'}
          </Text>
          <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} spacing="sm" component="section" aria-label="Totaux">
            {cards.map((card) => (
              <Paper withBorder p="sm" radius="md" key={card.key} data-stat={card.key}>
                <Text size="sm" c="dimmed" fw={600}>
                  {card.label}
                </Text>
                <Text fz={28} fw={800} className="stat-card__value">
                  {formatNumber(card.value)}
                </Text>
              </Paper>
            ))}
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
            <TokensPerDayChart days={series.days} />
            <TokensByModeChart modes={series.modes} />
            <TopUsersChart users={series.users} />
            <QuotaUseChart quotas={series.quotas} />
          </SimpleGrid>
        </>
      )}
    </Stack>
  );
}
