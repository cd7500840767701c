import { AdminUsersPage } from '../features/admin/components/AdminUsersPage';
import { DocumentsPage } from '../features/admin/components/DocumentsPage';
import { AnalyticsPage } from '../features/analytics/components/AnalyticsPage';
import { LoginPage } from '../features/auth/components/LoginPage';
import { SafeguardPage } from '../features/safeguard/components/SafeguardPage';
import { useSession } from '../lib/useSession';
import { ChatRoute } from './ChatRoute';
import { Layout } from './Layout';
import { Link, usePath } from './router';

function NotFound() {
  return (
    <div className="page">
      <h1>Page introuvable</h1>
      <p>
        <Link to="/">Retour à la discussion</Link>
      </p>
    </div>
  );
}

function Forbidden() {
  return (
    <div className="page">
      <h1>Accès réservé aux administrateurs</h1>
      <p>
        <Link to="/">Retour à la discussion</Link>
      </p>
    </div>
  );
}

export function App() {
  const session = useSession();
  const path = usePath();

  if (!session) return <LoginPage />;

  const isAdmin = session.user.role === 'admin';
  let content;
  const conversationMatch = /^\/c\/([^/]+)\/?$/.exec(path);
  if (path === '/' || path === '/login' || conversationMatch) {
    content = <ChatRoute conversationId={conversationMatch ? decodeURIComponent(conversationMatch[1] ?? '') : null} />;
  } else if (path === '/safeguard') {
    content = <SafeguardPage />;
  } else if (path === '/admin') {
    content = isAdmin ? <AdminUsersPage /> : <Forbidden />;
  } else if (path === '/documents') {
    content = isAdmin ? <DocumentsPage /> : <Forbidden />;
  } else if (path === '/analytics') {
    content = isAdmin ? <AnalyticsPage /> : <Forbidden />;
  } else {
    content = <NotFound />;
  }

  return (
    <Layout user={session.user} path={path}>
      {content}
    </Layout>
  );
}
