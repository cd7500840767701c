import { AppShell, Badge, Burger, Button, Group, Stack, Text, ThemeIcon, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { logout } from '@/features/auth/api/auth';
import { SafeguardNavBadge } from '@/features/safeguard/components/SafeguardNavBadge';
import { TokenGauge } from '@/features/tokens/components/TokenGauge';
import type { LoginUser } from '@/lib/schemas';
import { navigate } from './navigation';
import { Link } from './router';

interface NavItem {
  to: string;
  label: string;
  adminOnly?: boolean;
  match: (path: string) => boolean;
}

const NAV: NavItem[] = [
  { to: '/', label: 'Discussion', match: (p) => p === '/' || p.startsWith('/c/') },
  { to: '/safeguard', label: 'Safeguard', match: (p) => p === '/safeguard' || p.startsWith('/safeguard/') },
  { to: '/admin', label: 'Utilisateurs', adminOnly: true, match: (p) => p === '/admin' },
  { to: '/documents', label: 'Documents', adminOnly: true, match: (p) => p === '/documents' },
  { to: '/tools', label: 'Outils', adminOnly: true, match: (p) => p === '/tools' },
  { to: '/analytics', label: 'Statistiques', adminOnly: true, match: (p) => p === '/analytics' },
];

function NavLinks({ items, path, onNavigate }: { items: NavItem[]; path: string; onNavigate?: () => void }) {
  return items.map((item) => {
    const active = item.match(path);
    return (
      <Button
        key={item.to}
        component={Link}
        to={item.to}
        onClick={onNavigate}
        variant={active ? 'light' : 'subtle'}
        color={active ? undefined : 'gray'}
        aria-current={active ? 'page' : undefined}
        justify="flex-start"
        px="sm"
        style={{ flexShrink: 0 }}
      >
        {item.label}
        {item.to === '/safeguard' && <SafeguardNavBadge />}
      </Button>
    );
  });
}

/**
 * The application shell: top bar (navigation, token gauge, user), a drawer-like menu below 1200 px (an
 * admin's six links, the gauge and the user need about 1250 px; between 1200 and that the links scroll).
 */
export function Layout({ user, path, children }: { user: LoginUser; path: string; children: ReactNode }) {
  const [menuOpen, menu] = useDisclosure(false);
  const items = NAV.filter((item) => !item.adminOnly || user.role === 'admin');

  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 240, breakpoint: 'lg', collapsed: { desktop: true, mobile: !menuOpen } }} padding={0}>
      <a href="#main" className="skip-link">
        Aller au contenu
      </a>
      <AppShell.Header px="md">
        <Group h="100%" justify="space-between" wrap="nowrap" gap="md" preventGrowOverflow={false}>
          <Group gap="md" wrap="nowrap" miw={0} preventGrowOverflow={false}>
            <Burger opened={menuOpen} onClick={menu.toggle} hiddenFrom="lg" size="sm" aria-label={menuOpen ? 'Fermer le menu' : 'Ouvrir le menu'} />
            <UnstyledButton component={Link} to="/" aria-label="WIBOT, accueil" className="brand">
              <Group gap={8} wrap="nowrap">
                <ThemeIcon size={30} radius="md" aria-hidden="true">
                  <Text fw={800}>W</Text>
                </ThemeIcon>
                <Text fw={800} fz="lg">
                  WIBOT
                </Text>
              </Group>
            </UnstyledButton>
            <Group component="nav" aria-label="Navigation principale" gap={4} visibleFrom="lg" wrap="nowrap" miw={0} py={4} preventGrowOverflow={false} style={{ overflowX: 'auto' }}>
              <NavLinks items={items} path={path} />
            </Group>
          </Group>
          <Group gap="md" wrap="nowrap" style={{ flexShrink: 0 }}>
            <TokenGauge />
            <Text component="div" fw={600} className="topbar__user" title={user.email ?? ''} visibleFrom="sm">
              {user.username}{' '}
              <Badge variant="default" size="sm">
                {user.accreditation_level}
              </Badge>
            </Text>
            <Button
              variant="subtle"
              size="compact-sm"
              onClick={() => {
                logout();
                navigate('/', { replace: true });
              }}
            >
              Se déconnecter
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      {menuOpen && (
        <AppShell.Navbar p="sm" hiddenFrom="lg">
          <Stack component="nav" aria-label="Navigation principale" gap={4}>
            <Text fw={600} size="sm" c="dimmed" px="sm">
              {user.username} · {user.accreditation_level}
            </Text>
            <NavLinks items={items} path={path} onNavigate={menu.close} />
          </Stack>
        </AppShell.Navbar>
      )}
      <AppShell.Main id="main" tabIndex={-1} className="main">
        {children}
      </AppShell.Main>
    </AppShell>
  );
}
