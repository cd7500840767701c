import { Badge, Button, Group, Paper, Stack, Table, Text, TextInput, Title, UnstyledButton } from '@mantine/core';
import { useMemo, useState } from 'react';
import { Alert } from '@/components/ui/Alert';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { Spinner } from '@/components/ui/Spinner';
import { describeError } from '@/lib/errors';
import { formatDateTime, formatNumber } from '@/lib/format';
import type { AdminUser } from '@/lib/schemas';
import { useSession } from '@/lib/useSession';
import { filterUsers, sortUsers, type SortDirection, type SortKey } from '../api/user-table';
import { useDeleteUser, userIdOf, useUsers } from '../api/users';
import { CreateUserForm } from './CreateUserForm';
import { EditUserDialog } from './EditUserDialog';

const COLUMNS: { key: SortKey; label: string }[] = [
  { key: 'username', label: 'Utilisateur' },
  { key: 'email', label: 'E-mail' },
  { key: 'role', label: 'Rôle' },
  { key: 'accreditation_level', label: 'Accréd.' },
  { key: 'is_active', label: 'Statut' },
  { key: 'used_tokens', label: 'Tokens (mois)' },
  { key: 'created_at', label: 'Créé le' },
];

interface UsersTableProps {
  users: AdminUser[];
  currentUserId: number | undefined;
  onEdit: (user: AdminUser) => void;
  onDelete: (user: AdminUser) => void;
}

/** The users, with a search box and sortable columns (client side: the list is small). */
export function UsersTable({ users, currentUserId, onEdit, onDelete }: UsersTableProps) {
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; direction: SortDirection }>({ key: 'username', direction: 'asc' });
  const visible = useMemo(() => sortUsers(filterUsers(users, query), sort.key, sort.direction), [users, query, sort]);
  const toggleSort = (key: SortKey) =>
    setSort((current) => ({ key, direction: current.key === key && current.direction === 'asc' ? 'desc' : 'asc' }));

  return (
    <>
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h3" id="users-title">
          Utilisateurs{' '}
          <Text span c="dimmed" fz="inherit" fw={400}>
            ({visible.length !== users.length ? `${visible.length} sur ${users.length}` : users.length})
          </Text>
        </Title>
        <TextInput
          label="Rechercher"
          type="search"
          name="user-search"
          placeholder="Nom, e-mail, rôle, accréditation…"
          value={query}
          onChange={(e) => setQuery(e.currentTarget.value)}
          w={300}
          maw="100%"
        />
      </Group>
      <Table.ScrollContainer minWidth={860}>
        <Table striped highlightOnHover verticalSpacing="xs" aria-describedby="users-title">
          <Table.Thead>
            <Table.Tr>
              {COLUMNS.map((column) => {
                const active = sort.key === column.key;
                return (
                  <Table.Th key={column.key} scope="col" aria-sort={active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}>
                    <UnstyledButton className="th-sort" onClick={() => toggleSort(column.key)}>
                      {column.label}
                      <span aria-hidden="true" className="th-sort__arrow">
                        {active ? (sort.direction === 'asc' ? '▲' : '▼') : '↕'}
                      </span>
                    </UnstyledButton>
                  </Table.Th>
                );
              })}
              <Table.Th scope="col">
                <span className="sr-only">Actions</span>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {visible.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={COLUMNS.length + 1}>
                  <Text c="dimmed">Aucun utilisateur ne correspond à « {query} ».</Text>
                </Table.Td>
              </Table.Tr>
            )}
            {visible.map((user) => {
              const id = userIdOf(user);
              return (
                <Table.Tr key={id} data-username={user.username ?? ''}>
                  <Table.Td>
                    <strong>{user.username}</strong>
                    {id === currentUserId && <Text span c="dimmed"> (vous)</Text>}
                  </Table.Td>
                  <Table.Td>{user.email}</Table.Td>
                  <Table.Td>{user.role === 'admin' ? 'Administrateur' : 'Technicien'}</Table.Td>
                  <Table.Td>
                    <Badge variant="default">{user.accreditation_level}</Badge>
                  </Table.Td>
                  <Table.Td>
                    <Badge color={user.is_active ? 'teal' : 'red'} variant="light" tt="none">
                      {user.is_active ? 'Actif' : 'Désactivé'}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    {formatNumber(user.used_tokens)} / {formatNumber(user.quota_tokens)}
                  </Table.Td>
                  <Table.Td>{formatDateTime(user.created_at)}</Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap" justify="flex-end">
                      <Button size="compact-sm" variant="subtle" onClick={() => onEdit(user)} aria-label={`Modifier ${user.username ?? ''}`}>
                        Modifier
                      </Button>
                      <Button size="compact-sm" variant="subtle" color="red" onClick={() => onDelete(user)} aria-label={`Supprimer ${user.username ?? ''}`}>
                        Supprimer
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </>
  );
}

/** Administration of the users; `onUsersChanged` lets the page refresh what depends on them (token balance, statistics). */
export function AdminUsersPage({ onUsersChanged }: { onUsersChanged?: () => void }) {
  const session = useSession();
  const users = useUsers();
  const remove = useDeleteUser(onUsersChanged);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [editing, setEditing] = useState<AdminUser | null>(null);
  const [toDelete, setToDelete] = useState<AdminUser | null>(null);

  const confirmDelete = () => {
    if (!toDelete) return;
    const username = toDelete.username ?? '';
    setError(null);
    remove.mutate(userIdOf(toDelete), {
      onSuccess: () => setNotice(`Utilisateur « ${username} » supprimé.`),
      onError: (err) => setError(describeError(err, { 404: 'Utilisateur introuvable.' })),
      onSettled: () => setToDelete(null),
    });
  };

  const listError = users.isError && !users.data ? describeError(users.error) : null;

  return (
    <Stack className="page" gap="md">
      <Title order={1}>Administration des utilisateurs</Title>
      {notice && (
        <Alert tone="success" onDismiss={() => setNotice(null)}>
          {notice}
        </Alert>
      )}
      {error && <Alert onDismiss={() => setError(null)}>{error}</Alert>}

      <CreateUserForm
        onChanged={onUsersChanged}
        onCreated={(username) => {
          setNotice(`Utilisateur « ${username} » créé.`);
          setError(null);
        }}
      />

      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="users-title">
        {users.data ? (
          <UsersTable users={users.data} currentUserId={session?.user.id} onEdit={setEditing} onDelete={setToDelete} />
        ) : listError ? (
          <div data-testid="users-error">
            <Alert>
              <Group justify="space-between" gap="xs">
                <span>Impossible de charger les utilisateurs : {listError}</span>
                <Button size="compact-sm" variant="default" onClick={() => void users.refetch()} loading={users.isFetching}>
                  Réessayer
                </Button>
              </Group>
            </Alert>
          </div>
        ) : (
          <Spinner />
        )}
      </Paper>

      <EditUserDialog
        user={editing}
        onChanged={onUsersChanged}
        onClose={() => setEditing(null)}
        onSaved={(message) => {
          setEditing(null);
          setNotice(message);
          setError(null);
        }}
      />
      <ConfirmDialog
        open={toDelete !== null}
        title="Supprimer l'utilisateur ?"
        confirmLabel="Supprimer"
        danger
        busy={remove.isPending}
        onConfirm={confirmDelete}
        onCancel={() => setToDelete(null)}
      >
        <Text>Le compte « {toDelete?.username} », ses conversations et ses messages seront définitivement supprimés.</Text>
      </ConfirmDialog>
    </Stack>
  );
}
