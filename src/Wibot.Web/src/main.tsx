import '@mantine/core/styles.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from '@/app/App';
import { ErrorBoundary } from '@/components/ui/ErrorBoundary';
import { AppProviders } from '@/app/providers';

const root = document.getElementById('root');
if (!root) throw new Error('Élément #root introuvable');
createRoot(root).render(
  <StrictMode>
    <AppProviders>
      <ErrorBoundary scope="app">
        <App />
      </ErrorBoundary>
    </AppProviders>
  </StrictMode>,
);
