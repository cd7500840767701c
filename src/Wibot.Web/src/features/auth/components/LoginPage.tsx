import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, ThemeIcon, Title } from '@mantine/core';
import { useState, useSyncExternalStore, type FormEvent } from 'react';
import { describeError } from '@/lib/errors';
import { getLogoutReason, subscribeSession } from '@/lib/session';
import { useLogin } from '../api/auth';

const MISSING = "Saisissez votre nom d'utilisateur et votre mot de passe.";

export function LoginPage() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState(false);
  const expired = useSyncExternalStore(subscribeSession, getLogoutReason) === 'expired';
  const loginMutation = useLogin();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!username.trim() || !password) {
      loginMutation.reset();
      setMissing(true);
      return;
    }
    setMissing(false);
    loginMutation.mutate({ username: username.trim(), password });
  };

  const error = missing
    ? MISSING
    : loginMutation.isError
      ? describeError(loginMutation.error, { 400: MISSING, 401: 'Identifiants invalides ou compte désactivé.', 429: 'Trop de tentatives, réessayez plus tard' })
      : null;

  return (
    <Center component="main" mih="100vh" p="md" className="login">
      <Paper component="form" onSubmit={submit} noValidate aria-labelledby="login-title" w={380} maw="100%" p="xl" radius="lg" shadow="xl">
        <Stack gap="md">
          <ThemeIcon size={56} radius="lg" mx="auto" aria-hidden="true">
            <Text fw={800} fz={28}>
              W
            </Text>
          </ThemeIcon>
          <div>
            <Title order={1} id="login-title" ta="center">
              WIBOT
            </Title>
            <Text c="dimmed" ta="center">
              Assistant des techniciens WIDIP
            </Text>
          </div>
          {error ? (
            <Alert color="red" role="alert" variant="light">
              {error}
            </Alert>
          ) : (
            expired && (
              <Alert color="blue" role="status" variant="light">
                Votre session a expiré, veuillez vous reconnecter.
              </Alert>
            )
          )}
          <TextInput
            label="Nom d'utilisateur"
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.currentTarget.value)}
            data-autofocus
            autoFocus
            required
          />
          <PasswordInput
            label="Mot de passe"
            name="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            required
            visibilityToggleButtonProps={{ 'aria-label': 'Afficher ou masquer la saisie' }}
          />
          <Button type="submit" fullWidth loading={loginMutation.isPending} loaderProps={{ 'aria-label': 'Connexion…' }}>
            Se connecter
          </Button>
        </Stack>
      </Paper>
    </Center>
  );
}
