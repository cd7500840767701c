import { Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { Component, type ErrorInfo, type ReactNode } from 'react';

interface ErrorBoundaryProps {
  children: ReactNode;
  /** 'app': the whole screen; 'page': one page, the menu stays usable. */
  scope?: 'app' | 'page';
}

interface ErrorBoundaryState {
  error: Error | null;
}

/** A module that failed to load: typically an old tab asking for a chunk a redeploy removed. */
function isChunkLoadError(error: Error): boolean {
  return /dynamically imported module|Importing a module script failed|Failed to fetch|error loading dynamically|ChunkLoadError/i.test(
    `${error.name} ${error.message}`,
  );
}

/**
 * Catches what a page throws while rendering (or a lazy page whose chunk failed to load) and shows
 * it in French with a "Recharger" button, instead of a blank screen.
 */
export class ErrorBoundary extends Component<ErrorBoundaryProps, ErrorBoundaryState> {
  override state: ErrorBoundaryState = { error: null };

  static getDerivedStateFromError(error: unknown): ErrorBoundaryState {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('WIBOT: erreur d’affichage', error, info.componentStack);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    const chunk = isChunkLoadError(error);
    return (
      <Paper withBorder p="lg" m="md" radius="md" role="alert" data-testid="error-boundary" mih={this.props.scope === 'app' ? '60vh' : undefined}>
        <Stack gap="sm">
          <Title order={2} size="h3">
            {chunk ? 'Une nouvelle version de WIBOT est disponible' : 'Une erreur inattendue est survenue'}
          </Title>
          <Text>
            {chunk
              ? 'Cette page n’a pas pu être chargée (l’application a probablement été mise à jour). Rechargez la page pour continuer.'
              : 'Cet écran n’a pas pu être affiché. Rechargez la page ; si le problème persiste, contactez un administrateur.'}
          </Text>
          <Group>
            <Button onClick={() => window.location.reload()}>Recharger</Button>
            {this.props.scope === 'page' && !chunk && (
              <Button variant="default" onClick={() => this.setState({ error: null })}>
                Réessayer
              </Button>
            )}
          </Group>
        </Stack>
      </Paper>
    );
  }
}
