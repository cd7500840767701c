import { Alert as MantineAlert } from '@mantine/core';
import type { ReactNode } from 'react';

type Tone = 'error' | 'info' | 'success' | 'warning';
const COLORS: Record<Tone, string> = { error: 'red', info: 'blue', success: 'teal', warning: 'orange' };

interface AlertProps {
  tone?: Tone;
  children: ReactNode;
  onDismiss?: () => void;
}

/** Mantine's Alert with the house tones; errors are announced at once (role alert), the rest politely. */
export function Alert({ tone = 'error', children, onDismiss }: AlertProps) {
  return (
    <MantineAlert
      color={COLORS[tone]}
      variant="light"
      role={tone === 'error' ? 'alert' : 'status'}
      data-tone={tone}
      withCloseButton={onDismiss !== undefined}
      onClose={onDismiss}
      closeButtonLabel="Fermer le message"
      py="xs"
    >
      {children}
    </MantineAlert>
  );
}
