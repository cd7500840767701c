import { useCallback, useEffect, useState } from 'react';
import { Alert } from '../../../components/ui/Alert';
import { ConfirmDialog } from '../../../components/ui/ConfirmDialog';
import { Spinner } from '../../../components/ui/Spinner';
import { describeError } from '../../../lib/errors';
import { formatDateTime, formatNumber } from '../../../lib/format';
import type { AdminUser } from '../../../lib/schemas';
import { useSession } from '../../../lib/useSession';
import { deleteUser, listUsers, userIdOf } from '../api/users';
import { CreateUserForm } from './CreateUserForm';
import { EditUserDialog } from './EditUserDialog';

export function AdminUsersPage() {
  const session = useSession();
  const [users, setUsers] = useState<AdminUser[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [editing, setEditing] = useState<AdminUser | null>(null);
  const [toDelete, setToDelete] = useState<AdminUser | null>(null);
  const [busy, setBusy] = useState(false);

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
          Utilisateurs {users && <span className="muted">({users.length})</span>}
        </h2>
        {!users ? (
          <Spinner />
        ) : (
          <div className="table-wrap">
            <table className="table" aria-describedby="users-title">
              <thead>
                <tr>
                  <th scope="col">Utilisateur</th>
                  <th scope="col">E-mail</th>
                  <th scope="col">Rôle</th>
                  <th scope="col">Accréd.</th>
                  <th scope="col">Statut</th>
                  <th scope="col">Tokens (mois)</th>
                  <th scope="col">Créé le</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {users.map((user) => {
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
