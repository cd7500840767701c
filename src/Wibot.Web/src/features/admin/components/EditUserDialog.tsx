import { Button, Checkbox, Fieldset, Group, Modal, NativeSelect, NumberInput, PasswordInput, SimpleGrid, Stack } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/Alert';
import { ApiError, type FieldErrors } from '@/lib/api-client';
import { describeError } from '@/lib/errors';
import { formatNumber } from '@/lib/format';
import type { AdminUser, UpdateUserBody } from '@/lib/schemas';
import { ACCREDITATION_LEVELS, ROLES, fieldError, useUpdateUser, userIdOf, type AccreditationLevel, type Role } from '../api/users';

interface EditUserDialogProps {
  user: AdminUser | null;
  onClose: () => void;
  onSaved: (message: string) => void;
  onChanged?: () => void;
}

interface EditUserFormProps {
  user: AdminUser;
  onClose: () => void;
  onSaved: (message: string) => void;
  onChanged?: () => void;
}

function EditUserForm({ user, onClose, onSaved, onChanged }: EditUserFormProps) {
  const [role, setRole] = useState<Role>(user.role ?? 'user');
  const [level, setLevel] = useState<AccreditationLevel>(user.accreditation_level ?? 'N0');
  const [active, setActive] = useState(user.is_active ?? true);
  const [quota, setQuota] = useState<string | number>(user.quota_tokens ?? '');
  const [password, setPassword] = useState('');
  const [addTokens, setAddTokens] = useState<string | number>(10000);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const update = useUpdateUser(onChanged);
  const userId = userIdOf(user);

  const run = (body: UpdateUserBody, message: string) => {
    setError(null);
    setErrors({});
    update.mutate(body, {
      onSuccess: () => onSaved(message),
      onError: (err) => {
        if (err instanceof ApiError) setErrors(err.errors);
        setError(describeError(err, { 404: 'Utilisateur introuvable.' }));
      },
    });
  };

  const save = (event: FormEvent) => {
    event.preventDefault();
    const body: UpdateUserBody = { user_id: userId };
    if (role !== user.role) body.role = role;
    if (level !== user.accreditation_level) body.accreditation_level = level;
    if (active !== user.is_active) body.is_active = active;
    if (typeof quota === 'number' && quota !== user.quota_tokens) body.quota_tokens = quota;
    if (password) body.password = password;
    if (Object.keys(body).length === 1) {
      onClose();
      return;
    }
    run(body, `Utilisateur « ${user.username ?? ''} » mis à jour.`);
  };

  // Its own form: Enter in the tokens field adds the tokens (it does not submit the main form).
  const add = (event: FormEvent) => {
    event.preventDefault();
    const amount = Number(addTokens);
    if (!Number.isInteger(amount) || amount <= 0) {
      setError('Indiquez un nombre entier de tokens supérieur à zéro.');
      return;
    }
    run({ user_id: userId, add_tokens: amount }, `${formatNumber(amount)} tokens ajoutés à « ${user.username ?? ''} ».`);
  };

  const busy = update.isPending;
  return (
    <Stack gap="sm">
      {error && <Alert>{error}</Alert>}
      <form onSubmit={save} aria-label="Modifier l'utilisateur">
        <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <NativeSelect label="Rôle" name="role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)} data={ROLES} error={fieldError(errors, 'role')} />
          <NativeSelect
            label="Accréditation"
            name="accreditation_level"
            value={level}
            onChange={(e) => setLevel(e.currentTarget.value as AccreditationLevel)}
            data={[...ACCREDITATION_LEVELS]}
            error={fieldError(errors, 'accreditation_level')}
          />
          <NumberInput
            label="Quota mensuel (tokens)"
            name="quota_tokens"
            min={0}
            allowNegative={false}
            allowDecimal={false}
            thousandSeparator=" "
            value={quota}
            onChange={setQuota}
            error={fieldError(errors, 'quota_tokens')}
          />
          <PasswordInput
            label="Réinitialiser le mot de passe"
            name="password"
            autoComplete="new-password"
            placeholder="Laisser vide pour le conserver"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={fieldError(errors, 'password')}
            visibilityToggleButtonProps={{ 'aria-label': 'Afficher ou masquer la saisie' }}
          />
        </SimpleGrid>
        <Checkbox label="Compte actif" name="is_active" checked={active} onChange={(e) => setActive(e.currentTarget.checked)} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={busy}>
            Annuler
          </Button>
          <Button type="submit" loading={busy}>
            Enregistrer
          </Button>
        </Group>
        </Stack>
      </form>
      <form onSubmit={add} aria-label="Ajouter des tokens">
        <Fieldset legend="Ajouter des tokens au mois en cours" variant="filled">
          <Group align="flex-end">
            <NumberInput
              label="Nombre de tokens"
              name="add_tokens"
              min={1}
              allowNegative={false}
              allowDecimal={false}
              thousandSeparator=" "
              value={addTokens}
              onChange={setAddTokens}
            />
            <Button type="submit" variant="default" disabled={busy}>
              Ajouter des tokens
            </Button>
          </Group>
        </Fieldset>
      </form>
    </Stack>
  );
}

export function EditUserDialog({ user, onClose, onSaved, onChanged }: EditUserDialogProps) {
  return (
    <Modal opened={user !== null} onClose={onClose} title={`Modifier « ${user?.username ?? ''} »`} size="lg" closeButtonProps={{ 'aria-label': 'Fermer' }}>
      {user && <EditUserForm key={userIdOf(user)} user={user} onClose={onClose} onSaved={onSaved} onChanged={onChanged} />}
    </Modal>
  );
}
