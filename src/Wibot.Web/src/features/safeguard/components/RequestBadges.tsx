import { Badge } from '@mantine/core';
import { STATUS_LABELS } from '../api/safeguard';

const LEVEL_HINTS: Record<string, string> = {
  L1: 'Niveau 1 : décision possible dès N1',
  L2: 'Niveau 2 : décision possible dès N2',
  L3: 'Niveau 3 : décision possible dès N3',
  L4: 'Niveau 4 : décision réservée au N4',
};
const LEVEL_COLORS: Record<string, string> = { L1: 'green', L2: 'yellow', L3: 'orange', L4: 'red' };
const STATUS_COLORS: Record<string, string> = { pending: 'orange', approved: 'teal', rejected: 'red', expired: 'gray' };

export function LevelBadge({ level }: { level: string | null | undefined }) {
  const value = level ?? '?';
  return (
    <Badge color={LEVEL_COLORS[value] ?? 'gray'} variant="filled" radius="sm" title={LEVEL_HINTS[value] ?? ''}>
      {value}
    </Badge>
  );
}

export function StatusBadge({ status }: { status: string | null | undefined }) {
  const value = status ?? 'pending';
  return (
    <Badge color={STATUS_COLORS[value] ?? 'gray'} variant="light" tt="none">
      {STATUS_LABELS[value] ?? value}
    </Badge>
  );
}
