import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFetch, type FieldErrors } from '@/lib/api-client';
import type { AdminUser, AdminUserResponse, AdminUsersResponse, CreateUserBody, UpdateUserBody } from '@/lib/schemas';

const BASE = '/webhook/wibot/admin/users';

export const ACCREDITATION_LEVELS = ['N0', 'N1', 'N2', 'N3', 'N4'] as const;
export type AccreditationLevel = (typeof ACCREDITATION_LEVELS)[number];
export type Role = 'user' | 'admin';
export const ROLES: { value: Role; label: string }[] = [
  { value: 'user', label: 'Technicien' },
  { value: 'admin', label: 'Administrateur' },
];

export const adminKeys = {
  all: ['admin'] as const,
  users: () => [...adminKeys.all, 'users'] as const,
  documents: () => [...adminKeys.all, 'documents'] as const,
};

export async function listUsers(signal?: AbortSignal): Promise<AdminUser[]> {
  const answer = await apiFetch<AdminUsersResponse>(BASE, { signal });
  return answer.users ?? [];
}

export function createUser(body: CreateUserBody): Promise<AdminUserResponse> {
  return apiFetch<AdminUserResponse>(BASE, { method: 'POST', body });
}

export function updateUser(body: UpdateUserBody): Promise<AdminUserResponse> {
  return apiFetch<AdminUserResponse>(BASE, { method: 'PUT', body });
}

export function deleteUser(userId: number): Promise<void> {
  return apiFetch<void>(BASE, { method: 'DELETE', body: { user_id: userId } });
}

export function userIdOf(user: AdminUser): number {
  return user.user_id ?? user.id ?? 0;
}

/** Messages of one field from a problem's `errors` (keys compared case-insensitively, snake or camel case). */
export function fieldMessages(errors: FieldErrors, field: string): string[] {
  const wanted = field.toLowerCase().replace(/_/g, '');
  return Object.entries(errors)
    .filter(([key]) => key.toLowerCase().replace(/_/g, '') === wanted)
    .flatMap(([, messages]) => messages);
}

/** The field's messages joined, or undefined (the shape Mantine inputs take in `error`). */
export function fieldError(errors: FieldErrors, field: string): string | undefined {
  const messages = fieldMessages(errors, field);
  return messages.length ? messages.join(' ') : undefined;
}

export const usersQueryOptions = () =>
  queryOptions({
    queryKey: adminKeys.users(),
    queryFn: ({ signal }) => listUsers(signal),
  });

export function useUsers() {
  return useQuery(usersQueryOptions());
}

/** Every user change re-reads the list (used tokens and quotas are computed by the server). */
function useUserMutation<T>(mutationFn: (value: T) => Promise<unknown>, onChanged?: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: () => {
      onChanged?.();
      return queryClient.invalidateQueries({ queryKey: adminKeys.users() });
    },
  });
}

export const useCreateUser = (onChanged?: () => void) => useUserMutation(createUser, onChanged);
export const useUpdateUser = (onChanged?: () => void) => useUserMutation(updateUser, onChanged);
export const useDeleteUser = (onChanged?: () => void) => useUserMutation(deleteUser, onChanged);
