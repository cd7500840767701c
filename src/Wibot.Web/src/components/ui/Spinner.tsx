import { Group, Loader, Text } from '@mantine/core';

export function Spinner({ label = 'Chargement…' }: { label?: string }) {
  return (
    <Group gap="xs" role="status" p="sm">
      <Loader size="sm" aria-hidden="true" />
      <Text size="sm" c="dimmed">
        {label}
      </Text>
    </Group>
  );
}
