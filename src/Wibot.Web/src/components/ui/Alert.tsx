import type { ReactNode } from 'react';

interface AlertProps {
  tone?: 'error' | 'info' | 'success' | 'warning';
  children: ReactNode;
  onDismiss?: () => void;
}

/** A message box; errors are announced to screen readers immediately. */
export function Alert({ tone = 'error', children, onDismiss }: AlertProps) {
  return (
    <div className={`alert alert--${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <div className="alert__body">{children}</div>
      {onDismiss && (
        <button type="button" className="alert__close" onClick={onDismiss} aria-label="Fermer le message">
          ×
        </button>
      )}
    </div>
  );
}
