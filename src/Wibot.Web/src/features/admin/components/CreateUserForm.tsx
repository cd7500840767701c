import { useState, type FormEvent } from 'react';
import { Alert } from '../../../components/ui/Alert';
import { ApiError, type FieldErrors } from '../../../lib/api-client';
import { describeError } from '../../../lib/errors';
import { ACCREDITATION_LEVELS, ROLES, createUser } from '../api/users';
import { FieldError, fieldMessages } from './FieldError';

const EMPTY = { username: '', password: '', email: '', role: 'user', accreditation_level: 'N1', quota_tokens: '' };

export function CreateUserForm({ onCreated }: { onCreated: (username: string) => void }) {
  const [values, setValues] = useState(EMPTY);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const set = (field: keyof typeof EMPTY) => (value: string) => setValues((v) => ({ ...v, [field]: value }));
  const invalid = (field: string) => fieldMessages(errors, field).length > 0;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setErrors({});
    try {
      const quota = values.quota_tokens.trim();
      await createUser({
        username: values.username.trim(),
        password: values.password,
        email: values.email.trim(),
        role: values.role,
        accreditation_level: values.accreditation_level,
        quota_tokens: quota ? Number(quota) : undefined,
      });
      onCreated(values.username.trim());
      setValues(EMPTY);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) setError("Ce nom d'utilisateur existe déjà");
      else {
        if (err instanceof ApiError) setErrors(err.errors);
        setError(describeError(err, { 400: 'Certains champs sont invalides : corrigez-les puis réessayez.' }));
      }
    } finally {
      setBusy(false);
    }
  };

  const input = (field: keyof typeof EMPTY, label: string, props: Record<string, unknown> = {}) => (
    <label className="field">
      <span className="field__label">{label}</span>
      <input
        name={field}
        value={values[field]}
        onChange={(e) => set(field)(e.target.value)}
        aria-invalid={invalid(field) || undefined}
        aria-describedby={invalid(field) ? `create-${field}-error` : undefined}
        {...props}
      />
      <FieldError errors={errors} field={field} id={`create-${field}-error`} />
    </label>
  );

  return (
    <form className="card form-grid" onSubmit={(e) => void submit(e)} aria-labelledby="create-user-title">
      <h2 id="create-user-title" className="card__title form-grid__full">
        Créer un utilisateur
      </h2>
      {error && (
        <div className="form-grid__full">
          <Alert>{error}</Alert>
        </div>
      )}
      {input('username', "Nom d'utilisateur", { required: true, autoComplete: 'off' })}
      {input('email', 'E-mail', { type: 'email', required: true, autoComplete: 'off' })}
      {input('password', 'Mot de passe', { type: 'password', required: true, autoComplete: 'new-password' })}
      <label className="field">
        <span className="field__label">Rôle</span>
        <select name="role" value={values.role} onChange={(e) => set('role')(e.target.value)}>
          {ROLES.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
        </select>
        <FieldError errors={errors} field="role" id="create-role-error" />
      </label>
      <label className="field">
        <span className="field__label">Accréditation</span>
        <select name="accreditation_level" value={values.accreditation_level} onChange={(e) => set('accreditation_level')(e.target.value)}>
          {ACCREDITATION_LEVELS.map((level) => (
            <option key={level} value={level}>
              {level}
            </option>
          ))}
        </select>
        <FieldError errors={errors} field="accreditation_level" id="create-accreditation-error" />
      </label>
      {input('quota_tokens', 'Quota mensuel (tokens, optionnel)', { type: 'number', min: 0, step: 1000, inputMode: 'numeric' })}
      <div className="form-grid__full form-actions">
        <button type="submit" className="btn btn--primary" disabled={busy}>
          {busy ? 'Création…' : "Créer l'utilisateur"}
        </button>
      </div>
    </form>
  );
}
