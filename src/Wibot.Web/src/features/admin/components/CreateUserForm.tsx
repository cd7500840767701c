import { Button, Group, NativeSelect, NumberInput, Paper, PasswordInput, SimpleGrid, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/Alert';
import { ApiError, type FieldErrors } from '@/lib/api-client';
import { describeError } from '@/lib/errors';
import { ACCREDITATION_LEVELS, ROLES, fieldError, useCreateUser, type AccreditationLevel, type Role } from '../api/users';

const EMPTY = { username: '', password: '', email: '', role: 'user' as Role, accreditation_level: 'N1' as AccreditationLevel, quota_tokens: '' as string | number };
type Values = typeof EMPTY;

export function CreateUserForm({ onCreated, onChanged }: { onCreated: (username: string) => void; onChanged?: () => void }) {
  const [values, setValues] = useState<Values>(EMPTY);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const create = useCreateUser(onChanged);

  const set = <K extends keyof Values>(field: K, value: Values[K]) => setValues((v) => ({ ...v, [field]: value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setErrors({});
    const username = values.username.trim();
    const quota = typeof values.quota_tokens === 'number' ? values.quota_tokens : undefined;
    create.mutate(
      {
        username,
        password: values.password,
        email: values.email.trim(),
        role: values.role,
        accreditation_level: values.accreditation_level,
        quota_tokens: quota,
      },
      {
        onSuccess: () => {
          onCreated(username);
          setValues(EMPTY);
        },
        onError: (err) => {
          if (err instanceof ApiError && err.status === 409) {
            setError("Ce nom d'utilisateur existe déjà");
            return;
          }
          if (err instanceof ApiError) setErrors(err.errors);
          setError(describeError(err, { 400: 'Certains champs sont invalides : corrigez-les puis réessayez.' }));
        },
      },
    );
  };

  return (
    <Paper withBorder p="md" radius="md" component="form" onSubmit={submit} aria-labelledby="create-user-title">
      <Title order={2} size="h3" id="create-user-title" mb="sm">
        Créer un utilisateur
      </Title>
      {error && <Alert>{error}</Alert>}
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm" mt="sm">
        <TextInput
          label="Nom d'utilisateur"
          name="username"
          required
          autoComplete="off"
          value={values.username}
          onChange={(e) => set('username', e.currentTarget.value)}
          error={fieldError(errors, 'username')}
        />
        <TextInput
          label="E-mail"
          name="email"
          type="email"
          required
          autoComplete="off"
          value={values.email}
          onChange={(e) => set('email', e.currentTarget.value)}
          error={fieldError(errors, 'email')}
        />
        <PasswordInput
          label="Mot de passe"
          name="password"
          required
          autoComplete="new-password"
          value={values.password}
          onChange={(e) => set('password', e.currentTarget.value)}
          error={fieldError(errors, 'password')}
          visibilityToggleButtonProps={{ 'aria-label': 'Afficher ou masquer la saisie' }}
        />
        <NativeSelect
          label="Rôle"
          name="role"
          value={values.role}
          onChange={(e) => set('role', e.currentTarget.value as Role)}
          data={ROLES}
          error={fieldError(errors, 'role')}
        />
        <NativeSelect
          label="Accréditation"
          name="accreditation_level"
          value={values.accreditation_level}
          onChange={(e) => set('accreditation_level', e.currentTarget.value as AccreditationLevel)}
          data={[...ACCREDITATION_LEVELS]}
          error={fieldError(errors, 'accreditation_level')}
        />
        <NumberInput
          label="Quota mensuel (tokens, optionnel)"
          name="quota_tokens"
          min={0}
          step={1000}
          allowNegative={false}
          allowDecimal={false}
          thousandSeparator=" "
          value={values.quota_tokens}
          onChange={(value) => set('quota_tokens', value)}
          error={fieldError(errors, 'quota_tokens')}
        />
      </SimpleGrid>
      <Group justify="flex-end" mt="md">
        <Button type="submit" loading={create.isPending}>
          Créer l'utilisateur
        </Button>
      </Group>
    </Paper>
  );
}
