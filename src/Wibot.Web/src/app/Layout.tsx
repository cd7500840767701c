import type { ReactNode } from 'react';
import { logout } from '../features/auth/api/auth';
import { SafeguardNavBadge } from '../features/safeguard/components/SafeguardNavBadge';
import { TokenGauge } from '../features/tokens/components/TokenGauge';
import type { LoginUser } from '../lib/schemas';
import { Link, navigate } from './router';

interface NavItem {
  to: string;
  label: string;
  adminOnly?: boolean;
  match: (path: string) => boolean;
}

const NAV: NavItem[] = [
  { to: '/', label: 'Discussion', match: (p) => p === '/' || p.startsWith('/c/') },
  { to: '/safeguard', label: 'Safeguard', match: (p) => p === '/safeguard' },
  { to: '/admin', label: 'Utilisateurs', adminOnly: true, match: (p) => p === '/admin' },
  { to: '/documents', label: 'Documents', adminOnly: true, match: (p) => p === '/documents' },
  { to: '/analytics', label: 'Statistiques', adminOnly: true, match: (p) => p === '/analytics' },
];

export function Layout({ user, path, children }: { user: LoginUser; path: string; children: ReactNode }) {
  const isAdmin = user.role === 'admin';
  return (
    <div className="shell">
      <a href="#main" className="skip-link">
        Aller au contenu
      </a>
      <header className="topbar">
        <Link to="/" className="topbar__brand" aria-label="WIBOT, accueil">
          <span className="topbar__logo" aria-hidden="true">
            W
          </span>
          WIBOT
        </Link>
        <nav aria-label="Navigation principale" className="topbar__nav">
          {NAV.filter((item) => !item.adminOnly || isAdmin).map((item) => (
            <Link key={item.to} to={item.to} className="topbar__link" aria-current={item.match(path) ? 'page' : undefined}>
              {item.label}
              {item.to === '/safeguard' && <SafeguardNavBadge />}
            </Link>
          ))}
        </nav>
        <div className="topbar__right">
          <TokenGauge />
          <span className="topbar__user" title={user.email ?? ''}>
            {user.username} <span className="badge">{user.accreditation_level}</span>
          </span>
          <button
            type="button"
            className="btn btn--ghost btn--small"
            onClick={() => {
              logout();
              navigate('/', { replace: true });
            }}
          >
            Se déconnecter
          </button>
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
