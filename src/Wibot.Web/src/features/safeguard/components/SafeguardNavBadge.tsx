import { Badge } from '@mantine/core';
import { useSafeguardRequests } from './useSafeguardRequests';

/** The number of pending Safeguard requests, shown next to the navigation link. */
export function SafeguardNavBadge() {
  const { requests } = useSafeguardRequests('pending');
  const count = requests?.length ?? 0;
  if (count === 0) return null;
  return (
    <Badge
      component="span"
      color="red"
      size="sm"
      circle={count < 10}
      ml={6}
      data-testid="safeguard-pending-count"
      aria-label={`${count} demande${count > 1 ? 's' : ''} en attente`}
    >
      {count}
    </Badge>
  );
}
