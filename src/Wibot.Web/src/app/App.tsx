import { Stack, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { ErrorBoundary } from '@/components/ui/ErrorBoundary';
import { Spinner } from '@/components/ui/Spinner';
import { LoginPage } from '@/features/auth/components/LoginPage';
import { SafeguardPage } from '@/features/safeguard/components/SafeguardPage';
import { tokenKeys } from '@/features/tokens/api/tokens';
import { analyticsKeys } from '@/features/analytics/api/analytics';
import { parseSafeguardRequestPath } from '@/lib/paths';
import { useSession } from '@/lib/useSession';
import { ChatRoute } from './ChatRoute';
import { Layout } from './Layout';
import { usePath } from './navigation';
import { Link } from './router';

// Administration pages (and recharts) load on demand: technicians never download them.
const AdminUsersPage = lazy(() => import('@/features/admin/components/AdminUsersPage').then((m) => ({ default: m.AdminUsersPage })));
const DocumentsPage = lazy(() => import('@/features/admin/components/DocumentsPage').then((m) => ({ default: m.DocumentsPage })));
const ToolServersPage = lazy(() => import('@/features/tools/components/ToolServersPage').then((m) => ({ default: m.ToolServersPage })));
const AnalyticsPage = lazy(() => import('@/features/analytics/components/AnalyticsPage').then((m) => ({ default: m.AnalyticsPage })));

function Message({ title }: { title: string }) {
  return (
    <Stack className="page">
      <Title order={1}>{title}</Title>
      <p>
        <Link to="/">Retour à la discussion</Link>
      </p>
    </Stack>
  );
}

/** The users page, wired to what depends on users: the caller's own balance and the statistics. */
function AdminUsersRoute() {
  const queryClient = useQueryClient();
  return (
    <AdminUsersPage
      onUsersChanged={() => {
        void queryClient.invalidateQueries({ queryKey: tokenKeys.all });
        void queryClient.invalidateQueries({ queryKey: analyticsKeys.all });
      }}
    />
  );
}

export function App() {
  const session = useSession();
  const path = usePath();

  if (!session) return <LoginPage />;

  const isAdmin = session.user.role === 'admin';
  const forbidden = <Message title="Accès réservé aux administrateurs" />;
  let content;
  const conversationMatch = /^\/c\/([^/]+)\/?$/.exec(path);
  const safeguardRequestId = parseSafeguardRequestPath(path);
  if (path === '/' || path === '/login' || conversationMatch) {
    content = <ChatRoute conversationId={conversationMatch ? decodeURIComponent(conversationMatch[1] ?? '') : null} />;
  } else if (path === '/safeguard' || safeguardRequestId) {
    content = <SafeguardPage requestId={safeguardRequestId} />;
  } else if (path === '/admin') {
    content = isAdmin ? <AdminUsersRoute /> : forbidden;
  } else if (path === '/documents') {
    content = isAdmin ? <DocumentsPage /> : forbidden;
  } else if (path === '/tools') {
    content = isAdmin ? <ToolServersPage /> : forbidden;
  } else if (path === '/analytics') {
    content = isAdmin ? <AnalyticsPage /> : forbidden;
  } else {
    content = <Message title="Page introuvable" />;
  }

  return (
    <Layout user={session.user} path={path}>
      {/* One boundary per page (reset by navigating): a failed lazy chunk or a render error keeps the menu usable. */}
      <ErrorBoundary key={conversationMatch || path === '/' || path === '/login' ? 'chat' : safeguardRequestId ? '/safeguard' : path} scope="page">
        <Suspense fallback={<Spinner />}>{content}</Suspense>
      </ErrorBoundary>
    </Layout>
  );
}
