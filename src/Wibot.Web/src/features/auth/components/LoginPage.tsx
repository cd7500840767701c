import { useState, type FormEvent } from 'react';
import { Alert } from '../../../components/ui/Alert';
import { describeError } from '../../../lib/errors';
import { getLogoutReason } from '../../../lib/session';
import { login } from '../api/auth';

export function LoginPage() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [expired] = useState(() => getLogoutReason() === 'expired');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!username.trim() || !password) {
      setError("Saisissez votre nom d'utilisateur et votre mot de passe.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await login({ username: username.trim(), password });
    } catch (err) {
      setError(
        describeError(err, {
          400: "Saisissez votre nom d'utilisateur et votre mot de passe.",
          401: 'Identifiants invalides',
          429: 'Trop de tentatives, réessayez plus tard',
        }),
      );
      setBusy(false);
    }
  };

  return (
    <main className="login">
      <form className="login__card" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="login-title">
        <div className="login__brand" aria-hidden="true">
          W
        </div>
        <h1 id="login-title">WIBOT</h1>
        <p className="muted">Assistant des techniciens WIDIP</p>
        {error ? <Alert>{error}</Alert> : expired && <Alert tone="info">Votre session a expiré, veuillez vous reconnecter.</Alert>}
        <label className="field">
          <span className="field__label">Nom d'utilisateur</span>
          <input
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            autoFocus
            required
          />
        </label>
        <label className="field">
          <span className="field__label">Mot de passe</span>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        <button type="submit" className="btn btn--primary btn--block" disabled={busy}>
          {busy ? 'Connexion…' : 'Se connecter'}
        </button>
      </form>
    </main>
  );
}
