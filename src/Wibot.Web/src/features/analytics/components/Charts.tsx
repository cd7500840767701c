// The dashboard's charts (recharts). Each one has a visible title, an SVG <title>/<desc>, and the
// same figures in a visually hidden table for screen readers.
import { Paper, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import type { ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDate, formatNumber } from '@/lib/format';
import type { DayPoint, NamedPoint, QuotaPoint } from '../api/analytics';

const BLUE = 'var(--mantine-color-wibot-6)';
const MODE_COLORS: Record<string, string> = {
  Flash: 'var(--mantine-color-orange-6)',
  Code: 'var(--mantine-color-wibot-6)',
  Rédaction: 'var(--mantine-color-violet-6)',
};

function quotaColor(percent: number): string {
  if (percent >= 90) return 'var(--mantine-color-red-6)';
  if (percent >= 70) return 'var(--mantine-color-orange-6)';
  return 'var(--mantine-color-teal-6)';
}

const number = (value: unknown) => formatNumber(typeof value === 'number' ? value : Number(value));

interface ChartCardProps {
  id: string;
  title: string;
  empty: boolean;
  /** Header and rows of the hidden table that repeats the figures. */
  table: { head: string[]; rows: (string | number)[][] };
  children: ReactNode;
}

function ChartCard({ id, title, empty, table, children }: ChartCardProps) {
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby={`${id}-title`} data-chart={id}>
      <Title order={2} size="h4" id={`${id}-title`} mb="sm">
        {title}
      </Title>
      {empty ? (
        <Text c="dimmed">Aucune donnée sur la période.</Text>
      ) : (
        <figure className="chart" aria-labelledby={`${id}-title`}>
          {children}
          <VisuallyHidden>
            <Table>
              <caption>{title}</caption>
              <Table.Thead>
                <Table.Tr>
                  {table.head.map((h) => (
                    <Table.Th key={h} scope="col">
                      {h}
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {table.rows.map((row, r) => (
                  <Table.Tr key={r}>
                    {row.map((cell, c) => (
                      <Table.Td key={c}>{typeof cell === 'number' ? formatNumber(cell) : cell}</Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </VisuallyHidden>
        </figure>
      )}
    </Paper>
  );
}

/** Charts take the card's width (responsive) unless a fixed width is given (tests, print). */
interface SizeProps {
  width?: number;
}

function size(width: number | undefined, height: number) {
  return width ? { width, height } : { responsive: true, style: { width: '100%', height } };
}

export function TokensPerDayChart({ days, width }: { days: DayPoint[] } & SizeProps) {
  return (
    <ChartCard
      id="tokens-per-day"
      title="Tokens par jour"
      empty={days.length === 0}
      table={{ head: ['Jour', 'Tokens', 'Messages'], rows: days.map((d) => [formatDate(d.date), d.tokens, d.messages]) }}
    >
      <BarChart data={days} {...size(width, 260)} title="Tokens par jour" desc="Tokens consommés chaque jour de la période" margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="label" tick={{ fontSize: 12 }} minTickGap={12} />
        <YAxis tickFormatter={number} tick={{ fontSize: 12 }} width={64} />
        <Tooltip
          formatter={(value, name) => [number(value), name === 'tokens' ? 'Tokens' : 'Messages']}
          labelFormatter={(_label, payload) => formatDate((payload?.[0]?.payload as DayPoint | undefined)?.date)}
        />
        <Bar dataKey="tokens" name="tokens" fill={BLUE} radius={[3, 3, 0, 0]} maxBarSize={32} isAnimationActive={false} />
      </BarChart>
    </ChartCard>
  );
}

export function TokensByModeChart({ modes, width }: { modes: NamedPoint[] } & SizeProps) {
  return (
    <ChartCard
      id="tokens-by-mode"
      title="Tokens par mode"
      empty={modes.length === 0}
      table={{ head: ['Mode', 'Tokens', 'Messages'], rows: modes.map((m) => [m.name, m.tokens, m.messages]) }}
    >
      <BarChart data={modes} {...size(width, 220)} title="Tokens par mode" desc="Tokens consommés par mode de réponse" margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="name" tick={{ fontSize: 12 }} />
        <YAxis tickFormatter={number} tick={{ fontSize: 12 }} width={64} />
        <Tooltip formatter={(value) => [number(value), 'Tokens']} />
        <Bar dataKey="tokens" radius={[3, 3, 0, 0]} maxBarSize={64} isAnimationActive={false}>
          {modes.map((m) => (
            <Cell key={m.name} fill={MODE_COLORS[m.name] ?? BLUE} />
          ))}
        </Bar>
      </BarChart>
    </ChartCard>
  );
}

export function TopUsersChart({ users, width }: { users: NamedPoint[] } & SizeProps) {
  return (
    <ChartCard
      id="top-users"
      title="Utilisateurs les plus actifs"
      empty={users.length === 0}
      table={{ head: ['Utilisateur', 'Tokens', 'Messages'], rows: users.map((u) => [u.name, u.tokens, u.messages]) }}
    >
      <BarChart
        data={users}
        layout="vertical"
        {...size(width, Math.max(120, users.length * 34 + 30))}
        title="Utilisateurs les plus actifs"
        desc="Tokens consommés par utilisateur sur la période"
        margin={{ top: 4, right: 16, bottom: 0, left: 8 }}
      >
        <CartesianGrid strokeDasharray="3 3" horizontal={false} />
        <XAxis type="number" tickFormatter={number} tick={{ fontSize: 12 }} />
        <YAxis type="category" dataKey="name" width={110} tick={{ fontSize: 12 }} />
        <Tooltip formatter={(value) => [number(value), 'Tokens']} />
        <Bar dataKey="tokens" fill={BLUE} radius={[0, 3, 3, 0]} maxBarSize={24} isAnimationActive={false} />
      </BarChart>
    </ChartCard>
  );
}

export function QuotaUseChart({ quotas, width }: { quotas: QuotaPoint[] } & SizeProps) {
  return (
    <ChartCard
      id="quota-use"
      title="Quotas du mois"
      empty={quotas.length === 0}
      table={{ head: ['Utilisateur', 'Utilisés', 'Quota', '%'], rows: quotas.map((q) => [q.name, q.used, q.quota, `${q.percent} %`]) }}
    >
      <BarChart
        data={quotas}
        layout="vertical"
        {...size(width, Math.max(120, quotas.length * 34 + 30))}
        title="Quotas du mois"
        desc="Part du quota mensuel consommée par chaque utilisateur"
        margin={{ top: 4, right: 16, bottom: 0, left: 8 }}
      >
        <CartesianGrid strokeDasharray="3 3" horizontal={false} />
        <XAxis type="number" domain={[0, 100]} tickFormatter={(v: number) => `${v} %`} tick={{ fontSize: 12 }} />
        <YAxis type="category" dataKey="name" width={110} tick={{ fontSize: 12 }} />
        <Tooltip
          formatter={(_value, _name, item) => {
            const point = item.payload as QuotaPoint;
            return [`${formatNumber(point.used)} / ${formatNumber(point.quota)} (${point.percent} %)`, 'Consommé'];
          }}
        />
        <Bar dataKey="percent" radius={[0, 3, 3, 0]} maxBarSize={24} isAnimationActive={false}>
          {quotas.map((q) => (
            <Cell key={q.name} fill={quotaColor(q.percent)} />
          ))}
        </Bar>
      </BarChart>
    </ChartCard>
  );
}
