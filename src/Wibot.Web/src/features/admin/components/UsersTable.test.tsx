// @vitest-environment jsdom
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { AdminUser } from '@/lib/schemas';
import { renderWithProviders } from '@/lib/test-utils';
import { UsersTable } from './AdminUsersPage';

const users: AdminUser[] = [
  { id: 1, username: 'zoé', email: 'zoe@widip.fr', role: 'admin', accreditation_level: 'N4', used_tokens: 10, quota_tokens: 50_000, is_active: true },
  { id: 2, username: 'alain', email: 'alain@widip.fr', role: 'user', accreditation_level: 'N2', used_tokens: 500, quota_tokens: 50_000, is_active: false },
  { id: 3, username: 'Émile', email: null, role: 'user', accreditation_level: 'N1', used_tokens: 50, quota_tokens: 50_000, is_active: true },
];

const names = () => screen.getAllByRole('row').slice(1).map((row) => row.getAttribute('data-username'));

describe('UsersTable', () => {
  it('sorts by name, then reverses on a second click, announcing the order', async () => {
    const user = userEvent.setup();
    renderWithProviders(<UsersTable users={users} currentUserId={1} onEdit={vi.fn()} onDelete={vi.fn()} />);
    expect(names()).toEqual(['alain', 'Émile', 'zoé']);
    const header = screen.getByRole('columnheader', { name: /Utilisateur/ });
    expect(header.getAttribute('aria-sort')).toBe('ascending');
    await user.click(within(header).getByRole('button'));
    expect(header.getAttribute('aria-sort')).toBe('descending');
    expect(names()).toEqual(['zoé', 'Émile', 'alain']);
  });

  it('sorts by tokens used, an order that differs from the name order', async () => {
    const user = userEvent.setup();
    renderWithProviders(<UsersTable users={users} currentUserId={1} onEdit={vi.fn()} onDelete={vi.fn()} />);
    expect(names()).toEqual(['alain', 'Émile', 'zoé']);
    const tokens = screen.getByRole('button', { name: /Tokens \(mois\)/ });
    await user.click(tokens);
    // 10 (zoé) < 50 (Émile) < 500 (alain)
    expect(names()).toEqual(['zoé', 'Émile', 'alain']);
    expect(screen.getByRole('columnheader', { name: /Tokens/ }).getAttribute('aria-sort')).toBe('ascending');
    await user.click(tokens);
    expect(names()).toEqual(['alain', 'Émile', 'zoé']);
    expect(screen.getByRole('columnheader', { name: /Tokens/ }).getAttribute('aria-sort')).toBe('descending');
  });

  it('filters ignoring accents and case, and says when nothing matches', async () => {
    const user = userEvent.setup();
    renderWithProviders(<UsersTable users={users} currentUserId={1} onEdit={vi.fn()} onDelete={vi.fn()} />);
    const search = screen.getByLabelText('Rechercher');
    await user.type(search, 'emile');
    expect(names()).toEqual(['Émile']);
    expect(screen.getByRole('heading', { name: /Utilisateurs/ }).textContent).toContain('1 sur 3');
    await user.clear(search);
    await user.type(search, 'technicien');
    expect(names()).toEqual(['alain', 'Émile']);
    await user.clear(search);
    await user.type(search, 'personne');
    expect(screen.getByText('Aucun utilisateur ne correspond à « personne ».')).toBeTruthy();
  });

  it('offers edit and delete per user with accessible names', async () => {
    const onEdit = vi.fn();
    const onDelete = vi.fn();
    const user = userEvent.setup();
    renderWithProviders(<UsersTable users={users} currentUserId={1} onEdit={onEdit} onDelete={onDelete} />);
    await user.click(screen.getByRole('button', { name: 'Modifier alain' }));
    await user.click(screen.getByRole('button', { name: 'Supprimer Émile' }));
    expect(onEdit).toHaveBeenCalledWith(users[1]);
    expect(onDelete).toHaveBeenCalledWith(users[2]);
    expect(screen.getByText('(vous)')).toBeTruthy();
  });
});
