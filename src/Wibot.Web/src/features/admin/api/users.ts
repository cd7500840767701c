import { apiFetch } from '../../../lib/api-client';
import type { AdminUser, AdminUserResponse, AdminUsersResponse, CreateUserBody, UpdateUserBody } from '../../../lib/schemas';

const BASE = '/webhook/wibot/admin/users';

export const ACCREDITATION_LEVELS = ['N0', 'N1', 'N2', 'N3', 'N4'] as const;
export const ROLES: { value: string; label: string }[] = [
  { value: 'user', label: 'Technicien' },
  { value: 'admin', label: 'Administrateur' },
];

export async function listUsers(): Promise<AdminUser[]> {
  const answer = await apiFetch<AdminUsersResponse>(BASE);
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
