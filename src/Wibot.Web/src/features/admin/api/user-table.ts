// Search and sort of the users table (client side: the list is small).
import type { AdminUser } from '@/lib/schemas';

export type SortKey = 'username' | 'email' | 'role' | 'accreditation_level' | 'is_active' | 'used_tokens' | 'created_at';
export type SortDirection = 'asc' | 'desc';

function normalize(value: string): string {
  return value.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

/** Users whose name, e-mail, role or accreditation contains the query (accents and case ignored). */
export function filterUsers(users: AdminUser[], query: string): AdminUser[] {
  const q = normalize(query.trim());
  if (!q) return users;
  return users.filter((user) => {
    const role = user.role === 'admin' ? 'administrateur admin' : 'technicien user';
    return normalize([user.username, user.email, role, user.accreditation_level].filter(Boolean).join(' ')).includes(q);
  });
}

function sortValue(user: AdminUser, key: SortKey): string | number {
  switch (key) {
    case 'used_tokens':
      return user.used_tokens ?? 0;
    case 'is_active':
      return user.is_active ? 1 : 0;
    case 'created_at':
      return Date.parse(user.created_at ?? '') || 0;
    default:
      return normalize(String(user[key] ?? ''));
  }
}

export function sortUsers(users: AdminUser[], key: SortKey, direction: SortDirection): AdminUser[] {
  const factor = direction === 'asc' ? 1 : -1;
  return [...users].sort((a, b) => {
    const va = sortValue(a, key);
    const vb = sortValue(b, key);
    const cmp = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb), 'fr');
    return cmp * factor;
  });
}
