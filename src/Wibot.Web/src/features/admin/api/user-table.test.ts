import { describe, expect, it } from 'vitest';
import type { AdminUser } from '@/lib/schemas';
import { filterUsers, sortUsers } from './user-table';

const users: AdminUser[] = [
  { id: 1, username: 'zoé', email: 'zoe@example.fr', role: 'admin', accreditation_level: 'N4', used_tokens: 10, is_active: true },
  { id: 2, username: 'alain', email: 'alain@example.fr', role: 'user', accreditation_level: 'N2', used_tokens: 500, is_active: false },
  { id: 3, username: 'Émile', email: null, role: 'user', accreditation_level: 'N1', used_tokens: 50, is_active: true },
];

describe('users table', () => {
  it('filters ignoring case and accents', () => {
    expect(filterUsers(users, 'emile').map((u) => u.id)).toEqual([3]);
    expect(filterUsers(users, 'technicien').map((u) => u.id)).toEqual([2, 3]);
    expect(filterUsers(users, '  ')).toHaveLength(3);
  });
  it('sorts text and numbers both ways', () => {
    expect(sortUsers(users, 'username', 'asc').map((u) => u.id)).toEqual([2, 3, 1]);
    expect(sortUsers(users, 'used_tokens', 'desc').map((u) => u.id)).toEqual([2, 3, 1]);
    expect(sortUsers(users, 'accreditation_level', 'asc').map((u) => u.id)).toEqual([3, 2, 1]);
  });
});
