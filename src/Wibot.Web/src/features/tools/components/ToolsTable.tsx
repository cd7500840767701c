import { Badge, Code, Group, Loader, NativeSelect, Stack, Switch, Table, Text } from '@mantine/core';
import { describeError } from '@/lib/errors';
import { hintBadges } from '../api/hints';
import { LEVEL_LABELS, MESSAGES, TOOL_LEVELS, useClassifyTool, type ClassifyToolBody, type Tool, type ToolLevel } from '../api/tool-servers';

const LEVEL_OPTIONS = TOOL_LEVELS.map((level) => ({ value: level, label: LEVEL_LABELS[level] }));

interface ToolRowProps {
  serverId: string;
  tool: Tool;
  /** A refused change, in words (null clears the previous one). */
  onError: (message: string | null) => void;
}

/** One tool: its level and flag are saved as soon as they change (shown at once, put back if refused). */
function ToolRow({ serverId, tool, onError }: ToolRowProps) {
  const classify = useClassifyTool();
  const hints = hintBadges(tool.annotations);

  const save = (body: ClassifyToolBody) => {
    onError(null);
    classify.mutate(
      { serverId, tool: tool.name, body },
      {
        onError: (err) =>
          onError(`« ${tool.name} » : ${describeError(err, { 400: MESSAGES.toolInvalid, 404: MESSAGES.toolNotFound })} La modification a été annulée.`),
      },
    );
  };

  return (
    <Table.Tr data-tool={tool.name} aria-busy={classify.isPending || undefined}>
      <Table.Td>
        <Stack gap={2}>
          <Code>{tool.name}</Code>
          {tool.title && <Text size="sm">{tool.title}</Text>}
        </Stack>
      </Table.Td>
      <Table.Td>
        {tool.description ? (
          <Text size="sm" lineClamp={4} title={tool.description}>
            {tool.description}
          </Text>
        ) : (
          <Text size="sm" c="dimmed">
            —
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        {hints.length > 0 ? (
          <Group gap={4}>
            {hints.map((hint) => (
              <Badge key={hint.key} size="sm" variant="outline" color={hint.warning ? 'orange' : 'gray'} tt="none" fw={500}>
                {hint.label}
              </Badge>
            ))}
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            —
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Group gap={6} wrap="nowrap">
          <NativeSelect
            aria-label={`Niveau de l'outil ${tool.name}`}
            name={`level-${tool.name}`}
            value={tool.level}
            onChange={(e) => save({ level: e.currentTarget.value as ToolLevel })}
            data={LEVEL_OPTIONS}
            size="xs"
            w={190}
          />
          {classify.isPending && (
            <>
              <Loader size="xs" aria-hidden="true" />
              <span className="sr-only">Enregistrement…</span>
            </>
          )}
        </Group>
      </Table.Td>
      <Table.Td>
        <Switch
          aria-label={`Activer l'outil ${tool.name}`}
          name={`enabled-${tool.name}`}
          checked={tool.enabled}
          onChange={(e) => save({ enabled: e.currentTarget.checked })}
        />
      </Table.Td>
    </Table.Tr>
  );
}

/** The tools a server publishes, with WIBOT's level and flag for each. */
export function ToolsTable({ serverId, serverName, tools, onError }: { serverId: string; serverName: string; tools: Tool[]; onError: (message: string | null) => void }) {
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table striped verticalSpacing="xs" aria-label={`Outils du serveur ${serverName}`}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Outil</Table.Th>
            <Table.Th scope="col">Description</Table.Th>
            <Table.Th scope="col">Indices du serveur (non vérifiés)</Table.Th>
            <Table.Th scope="col">Niveau WIBOT</Table.Th>
            <Table.Th scope="col">Activé</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {tools.map((tool) => (
            <ToolRow key={tool.name} serverId={serverId} tool={tool} onError={onError} />
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
