import { Badge } from '@mantine/core';
import { EXECUTION_LABELS, EXECUTION_ROW_LABELS, STATUS_LABELS } from '../api/safeguard';

const LEVEL_HINTS: Record<string, string> = {
  L1: 'Niveau 1 : décision possible dès N1',
  L2: 'Niveau 2 : décision possible dès N2',
  L3: 'Niveau 3 : décision possible dès N3',
  L4: 'Niveau 4 : décision réservée au N4',
};
const LEVEL_COLORS: Record<string, string> = { L1: 'green', L2: 'yellow', L3: 'orange', L4: 'red' };
const STATUS_COLORS: Record<string, string> = { pending: 'orange', approved: 'teal', rejected: 'red', expired: 'gray' };
const EXECUTION_COLORS: Record<string, string> = { running: 'blue', succeeded: 'teal', failed: 'red', denied: 'grape' };

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

/** The outcome of an approved call run by WIBOT; nothing when it was not run. `inList`: the longer row label. */
export function ExecutionBadge({ status, inList = false }: { status: string | null | undefined; inList?: boolean }) {
  if (!status) return null;
  const labels = inList ? EXECUTION_ROW_LABELS : EXECUTION_LABELS;
  return (
    <Badge color={EXECUTION_COLORS[status] ?? 'gray'} variant="dot" tt="none" data-testid="execution-status" data-status={status}>
      {labels[status] ?? status}
    </Badge>
  );
}
