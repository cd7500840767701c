import { Badge, Code } from '@mantine/core';
import { useState, type MouseEvent } from 'react';
import { Icon } from '@/components/ui/Icon';
import { safeguardRequestPath } from '@/lib/paths';
import { TOOL_STATUS_LABELS, approverText, expiryText, type UiToolCall } from '../api/tool-calls';

const STATUS_COLORS: Record<string, string> = {
  running: 'blue',
  succeeded: 'teal',
  failed: 'red',
  denied: 'grape',
  pending_approval: 'orange',
  rejected: 'red',
  expired: 'gray',
};
const LEVEL_COLORS: Record<string, string> = { L0: 'gray', L1: 'green', L2: 'yellow', L3: 'orange', L4: 'red' };
const LEVEL_HINTS: Record<string, string> = {
  L0: 'Niveau 0 : exécuté sans approbation',
  L1: 'Niveau 1 : approbation par un technicien N1 ou plus',
  L2: 'Niveau 2 : approbation par un technicien N2 ou plus',
  L3: 'Niveau 3 : approbation par un technicien N3 ou plus',
  L4: 'Niveau 4 : approbation réservée au N4',
};

/** A result this long starts folded. */
const FOLDED_FROM = 400;

export interface ToolCallCardProps {
  call: UiToolCall;
  /** Follows an in-app link without reloading the page (plain left clicks only); without it the browser navigates. */
  onOpenLink?: (path: string) => void;
}

/** One tool call of an answer: the tool, its level and status, its arguments, the approval it waits for, its result. */
export function ToolCallCard({ call, onOpenLink }: ToolCallCardProps) {
  // The expiry is told relative to when the card appeared (a static text, refreshed with the status).
  const [shownAt] = useState(() => Date.now());
  const pending = call.status === 'pending_approval';
  const label = TOOL_STATUS_LABELS[call.status] ?? call.status;
  const expiry = pending ? expiryText(call.expiresAt, shownAt) : null;
  const requestPath = call.requestId ? safeguardRequestPath(call.requestId) : null;

  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    if (!onOpenLink || !requestPath || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    onOpenLink(requestPath);
  };

  return (
    <section className="tool-call" data-testid="tool-call" data-call-id={call.callId} data-status={call.status} aria-label={`Appel de l'outil ${call.tool}`}>
      <header className="tool-call__header">
        <Icon name="tool" size={14} />
        <Code className="tool-call__tool">{call.tool}</Code>
        {call.server && (
          <span className="tool-call__server">
            sur <strong>{call.server}</strong>
          </span>
        )}
        {call.level && (
          <Badge size="sm" radius="sm" variant="filled" color={LEVEL_COLORS[call.level] ?? 'gray'} title={LEVEL_HINTS[call.level] ?? ''} data-testid="tool-call-level">
            {call.level}
          </Badge>
        )}
        <Badge size="sm" variant="light" tt="none" color={STATUS_COLORS[call.status] ?? 'gray'} data-testid="tool-call-status">
          {label}
        </Badge>
      </header>

      {call.arguments && call.arguments.length > 0 && (
        <dl className="tool-call__args" aria-label="Arguments">
          {call.arguments.map(([name, value], index) => (
            <div key={`${name}-${index}`} className="tool-call__arg">
              <dt>{name || 'valeur'}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}

      {requestPath && (
        <p className="tool-call__approval" data-testid="tool-call-approval">
          Demande{' '}
          <a href={requestPath} onClick={follow} data-testid="tool-call-request">
            {call.requestId}
          </a>
          {pending && (
            <>
              {' '}
              — à approuver par {approverText(call.level)}
              {expiry && <> ; {expiry}</>}.
            </>
          )}
        </p>
      )}

      {call.content !== null && call.content !== undefined && call.content !== '' && (
        <details className="tool-call__result" open={call.content.length < FOLDED_FROM}>
          <summary>Résultat</summary>
          <pre data-testid="tool-call-content">{call.content}</pre>
        </details>
      )}
    </section>
  );
}
