import { useCallback, useEffect, useMemo, useState } from 'react';
import { Alert } from '../../../components/ui/Alert';
import { ConfirmDialog } from '../../../components/ui/ConfirmDialog';
import { Spinner } from '../../../components/ui/Spinner';
import { describeError } from '../../../lib/errors';
import { formatDateTime, formatNumber } from '../../../lib/format';
import type { AdminUser } from '../../../lib/schemas';
import { useSession } from '../../../lib/useSession';
import { filterUsers, sortUsers, type SortDirection, type SortKey } from '../api/user-table';
import { deleteUser, listUsers, userIdOf } from '../api/users';
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

export function AdminUsersPage() {
  const session = useSession();
  const [users, setUsers] = useState<AdminUser[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [editing, setEditing] = useState<AdminUser | null>(null);
  const [toDelete, setToDelete] = useState<AdminUser | null>(null);
  const [busy, setBusy] = useState(false);
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; direction: SortDirection }>({ key: 'username', direction: 'asc' });
  const visible = useMemo(
    () => (users ? sortUsers(filterUsers(users, query), sort.key, sort.direction) : null),
    [users, query, sort],
  );
  const toggleSort = (key: SortKey) =>
    setSort((current) => ({ key, direction: current.key === key && current.direction === 'asc' ? 'desc' : 'asc' }));

  const load = useCallback(async () => {
    try {
      setUsers(await listUsers());
    } catch (err) {
      setError(describeError(err));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const confirmDelete = async () => {
    if (!toDelete) return;
    setBusy(true);
    setError(null);
    try {
      await deleteUser(userIdOf(toDelete));
      setNotice(`Utilisateur « ${toDelete.username ?? ''} » supprimé.`);
      await load();
    } catch (err) {
      setError(describeError(err, { 404: 'Utilisateur introuvable.' }));
    } finally {
      setToDelete(null);
      setBusy(false);
    }
  };

  return (
    <div className="page">
      <header className="page__header">
        <h1>Administration des utilisateurs</h1>
      </header>
      {notice && (
        <Alert tone="success" onDismiss={() => setNotice(null)}>
          {notice}
        </Alert>
      )}
      {error && <Alert onDismiss={() => setError(null)}>{error}</Alert>}

      <CreateUserForm
        onCreated={(username) => {
          setNotice(`Utilisateur « ${username} » créé.`);
          setError(null);
          void load();
        }}
      />

      <section className="card" aria-labelledby="users-title">
        <h2 id="users-title" className="card__title">
          Utilisateurs {users && <span className="muted">({visible && visible.length !== users.length ? `${visible.length} sur ${users.length}` : users.length})</span>}
        </h2>
        <label className="field field--inline table-search">
          <span className="field__label">Rechercher</span>
          <input
            type="search"
            name="user-search"
            placeholder="Nom, e-mail, rôle, accréditation…"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
        </label>
        {!users || !visible ? (
          <Spinner />
        ) : (
          <div className="table-wrap">
            <table className="table" aria-describedby="users-title">
              <thead>
                <tr>
                  {COLUMNS.map((column) => {
                    const active = sort.key === column.key;
                    return (
                      <th key={column.key} scope="col" aria-sort={active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}>
                        <button type="button" className="th-sort" onClick={() => toggleSort(column.key)}>
                          {column.label}
                          <span aria-hidden="true" className="th-sort__arrow">
                            {active ? (sort.direction === 'asc' ? '▲' : '▼') : '↕'}
                          </span>
                        </button>
                      </th>
                    );
                  })}
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {visible.length === 0 && (
                  <tr>
                    <td colSpan={COLUMNS.length + 1} className="muted">
                      Aucun utilisateur ne correspond à « {query} ».
                    </td>
                  </tr>
                )}
                {visible.map((user) => {
                  const id = userIdOf(user);
                  const isSelf = id === session?.user.id;
                  return (
                    <tr key={id} data-username={user.username ?? ''}>
                      <td>
                        <strong>{user.username}</strong>
                        {isSelf && <span className="muted"> (vous)</span>}
                      </td>
                      <td>{user.email}</td>
                      <td>{user.role === 'admin' ? 'Administrateur' : 'Technicien'}</td>
                      <td>
                        <span className="badge">{user.accreditation_level}</span>
                      </td>
                      <td>
                        <span className={user.is_active ? 'status status--ok' : 'status status--off'}>
                          {user.is_active ? 'Actif' : 'Désactivé'}
                        </span>
                      </td>
                      <td>
                        {formatNumber(user.used_tokens)} / {formatNumber(user.quota_tokens)}
                      </td>
                      <td>{formatDateTime(user.created_at)}</td>
                      <td className="table__actions">
                        <button type="button" className="btn btn--ghost btn--small" onClick={() => setEditing(user)} aria-label={`Modifier ${user.username ?? ''}`}>
                          Modifier
                        </button>
                        <button
                          type="button"
                          className="btn btn--danger-ghost btn--small"
                          onClick={() => setToDelete(user)}
                          aria-label={`Supprimer ${user.username ?? ''}`}
                        >
                          Supprimer
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <EditUserDialog
        user={editing}
        onClose={() => setEditing(null)}
        onSaved={(message) => {
          setEditing(null);
          setNotice(message);
          setError(null);
          void load();
        }}
      />
      <ConfirmDialog
        open={toDelete !== null}
        title="Supprimer l'utilisateur ?"
        confirmLabel="Supprimer"
        danger
        busy={busy}
        onConfirm={() => void confirmDelete()}
        onCancel={() => setToDelete(null)}
      >
        <p>
          Le compte « {toDelete?.username} », ses conversations et ses messages seront définitivement supprimés.
        </p>
      </ConfirmDialog>
    </div>
  );
}
