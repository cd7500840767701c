import { Badge } from '@mantine/core';
import { useSafeguardRequests } from './useSafeguardRequests';

/** The number of pending Safeguard requests, shown next to the navigation link. */
export function SafeguardNavBadge() {
  const { requests } = useSafeguardRequests('pending');
  const count = requests?.length ?? 0;
  if (count === 0) return null;
  // The link's accessible name becomes "Safeguard, 3 demandes en attente" (an aria-label on a span is ignored).
  return (
    <>
      <Badge component="span" color="red" size="sm" circle={count < 10} ml={6} data-testid="safeguard-pending-count" aria-hidden="true">
        {count}
      </Badge>
      <span className="sr-only">{`, ${count} demande${count > 1 ? 's' : ''} en attente`}</span>
    </>
  );
}
