import { useState, type FormEvent } from 'react';
import { Alert } from '../../../components/ui/Alert';
import { Modal } from '../../../components/ui/Modal';
import { ApiError, type FieldErrors } from '../../../lib/api-client';
import { describeError } from '../../../lib/errors';
import { formatNumber } from '../../../lib/format';
import type { AdminUser, UpdateUserBody } from '../../../lib/schemas';
import { ACCREDITATION_LEVELS, ROLES, updateUser, userIdOf } from '../api/users';
import { FieldError } from './FieldError';

interface EditUserDialogProps {
  user: AdminUser | null;
  onClose: () => void;
  onSaved: (message: string) => void;
}

function EditUserForm({ user, onClose, onSaved }: { user: AdminUser; onClose: () => void; onSaved: (message: string) => void }) {
  const [role, setRole] = useState(user.role ?? 'user');
  const [level, setLevel] = useState(user.accreditation_level ?? 'N0');
  const [active, setActive] = useState(user.is_active ?? true);
  const [quota, setQuota] = useState(String(user.quota_tokens ?? ''));
  const [password, setPassword] = useState('');
  const [addTokens, setAddTokens] = useState('10000');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const userId = userIdOf(user);

  const run = async (body: UpdateUserBody, message: string) => {
    setBusy(true);
    setError(null);
    setErrors({});
    try {
      await updateUser(body);
      onSaved(message);
    } catch (err) {
      if (err instanceof ApiError) setErrors(err.errors);
      setError(describeError(err, { 404: 'Utilisateur introuvable.' }));
    } finally {
      setBusy(false);
    }
  };

  const save = (event: FormEvent) => {
    event.preventDefault();
    const body: UpdateUserBody = { user_id: userId };
    if (role !== user.role) body.role = role;
    if (level !== user.accreditation_level) body.accreditation_level = level;
    if (active !== user.is_active) body.is_active = active;
    const quotaValue = Number(quota);
    if (quota.trim() && quotaValue !== user.quota_tokens) body.quota_tokens = quotaValue;
    if (password) body.password = password;
    if (Object.keys(body).length === 1) {
      onClose();
      return;
    }
    void run(body, `Utilisateur « ${user.username ?? ''} » mis à jour.`);
  };

  const add = () => {
    const amount = Number(addTokens);
    if (!Number.isInteger(amount) || amount <= 0) {
      setError('Indiquez un nombre entier de tokens supérieur à zéro.');
      return;
    }
    void run({ user_id: userId, add_tokens: amount }, `${formatNumber(amount)} tokens ajoutés à « ${user.username ?? ''} ».`);
  };

  return (
    <form className="form-grid" onSubmit={save}>
      {error && (
        <div className="form-grid__full">
          <Alert>{error}</Alert>
        </div>
      )}
      <label className="field">
        <span className="field__label">Rôle</span>
        <select name="role" value={role} onChange={(e) => setRole(e.target.value)}>
          {ROLES.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
        </select>
        <FieldError errors={errors} field="role" id="edit-role-error" />
      </label>
      <label className="field">
        <span className="field__label">Accréditation</span>
        <select name="accreditation_level" value={level} onChange={(e) => setLevel(e.target.value)}>
          {ACCREDITATION_LEVELS.map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </select>
        <FieldError errors={errors} field="accreditation_level" id="edit-level-error" />
      </label>
      <label className="field">
        <span className="field__label">Quota mensuel (tokens)</span>
        <input name="quota_tokens" type="number" min={0} step={1} value={quota} onChange={(e) => setQuota(e.target.value)} />
        <FieldError errors={errors} field="quota_tokens" id="edit-quota-error" />
      </label>
      <label className="field">
        <span className="field__label">Réinitialiser le mot de passe</span>
        <input
          name="password"
          type="password"
          autoComplete="new-password"
          placeholder="Laisser vide pour le conserver"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <FieldError errors={errors} field="password" id="edit-password-error" />
      </label>
      <label className="checkbox form-grid__full">
        <input type="checkbox" name="is_active" checked={active} onChange={(e) => setActive(e.target.checked)} />
        Compte actif
      </label>
      <div className="form-grid__full form-actions">
        <button type="button" className="btn btn--secondary" onClick={onClose} disabled={busy}>
          Annuler
        </button>
        <button type="submit" className="btn btn--primary" disabled={busy}>
          Enregistrer
        </button>
      </div>
      <fieldset className="form-grid__full add-tokens">
        <legend>Ajouter des tokens au mois en cours</legend>
        <label className="field">
          <span className="field__label">Nombre de tokens</span>
          <input name="add_tokens" type="number" min={1} step={1} value={addTokens} onChange={(e) => setAddTokens(e.target.value)} />
        </label>
        <button type="button" className="btn btn--secondary" onClick={add} disabled={busy}>
          Ajouter des tokens
        </button>
      </fieldset>
    </form>
  );
}

export function EditUserDialog({ user, onClose, onSaved }: EditUserDialogProps) {
  return (
    <Modal open={user !== null} title={`Modifier « ${user?.username ?? ''} »`} onClose={onClose}>
      {user && <EditUserForm key={userIdOf(user)} user={user} onClose={onClose} onSaved={onSaved} />}
    </Modal>
  );
}
