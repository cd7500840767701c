import { Badge, Button, Text } from '@mantine/core';
import { Markdown } from '@/components/ui/Markdown';
import { Icon } from '@/components/ui/Icon';
import { formatDateTime } from '@/lib/format';
import type { ChatSource } from '@/lib/schemas';
import type { UiToolCall } from '../api/tool-calls';
import { ToolCallCard } from './ToolCallCard';

export interface UiMessage {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  mode?: string | null;
  createdAt?: string;
  attachmentName?: string | null;
  sources?: ChatSource[];
  streaming?: boolean;
  tokensUsed?: number | null;
  /** The user stopped the generation: the partial text stays. */
  stopped?: boolean;
  /** The answer failed with this (French) message; a retry is offered. */
  failed?: string | null;
  /** Local answers: the id the server stores the answer under (stream `meta`). */
  serverId?: string | null;
  /** Local questions: the local id of their answer. */
  answerId?: string | null;
  /** Answers: the tools the model called, in order. */
  toolCalls?: UiToolCall[];
}

const MODE_LABELS: Record<string, string> = { flash: 'Flash', code: 'Code', redaction: 'Rédaction' };
const MODE_COLORS: Record<string, string> = { flash: 'orange', code: 'wibot', redaction: 'violet' };

function Sources({ sources }: { sources: ChatSource[] }) {
  return (
    <details className="sources" open>
      <summary>Sources ({sources.length})</summary>
      <ul>
        {sources.map((source, index) => (
          <li key={`${source.path ?? source.document ?? ''}-${index}`}>
            <span className="sources__title">{source.title || source.document || 'Document'}</span>
            {source.path && <span className="sources__path">{source.path}</span>}
            {typeof source.score === 'number' && (
              <span className="sources__score" title="Pertinence">
                {Math.round(source.score * 100)} %
              </span>
            )}
          </li>
        ))}
      </ul>
    </details>
  );
}

interface MessageViewProps {
  message: UiMessage;
  onRetry?: () => void;
  /** Follows an in-app link (a tool call's Safeguard request) without reloading the page. */
  onOpenLink?: (path: string) => void;
}

export function MessageView({ message, onRetry, onOpenLink }: MessageViewProps) {
  const isUser = message.role === 'user';
  return (
    <article
      className={isUser ? 'msg msg--user' : message.failed ? 'msg msg--assistant msg--failed' : 'msg msg--assistant'}
      aria-label={isUser ? 'Message envoyé' : 'Réponse de WIBOT'}
      data-role={message.role}
    >
      <header className="msg__header">
        <span className="msg__author">{isUser ? 'Vous' : 'WIBOT'}</span>
        {message.mode && (
          <Badge size="sm" variant="light" color={MODE_COLORS[message.mode] ?? 'gray'} tt="none">
            {MODE_LABELS[message.mode] ?? message.mode}
          </Badge>
        )}
        {message.createdAt && <time dateTime={message.createdAt}>{formatDateTime(message.createdAt)}</time>}
        {!isUser && !!message.tokensUsed && (
          <Text span size="xs" c="dimmed">
            {message.tokensUsed} tokens
          </Text>
        )}
      </header>
      {message.attachmentName && (
        <div className="msg__attachment" title="Pièce jointe">
          <Icon name="paperclip" size={14} /> {message.attachmentName}
        </div>
      )}
      <div className="msg__content">
        {isUser ? (
          <p className="msg__plain">{message.content}</p>
        ) : message.content ? (
          <Markdown source={message.content} />
        ) : message.streaming ? (
          <p className="typing">
            <span className="sr-only">WIBOT rédige sa réponse…</span>
            <span aria-hidden="true" />
            <span aria-hidden="true" />
            <span aria-hidden="true" />
          </p>
        ) : null}
      </div>
      {!isUser && message.toolCalls && message.toolCalls.length > 0 && (
        <div className="msg__tools" data-testid="tool-calls">
          {message.toolCalls.map((call) => (
            <ToolCallCard key={call.callId} call={call} onOpenLink={onOpenLink} />
          ))}
        </div>
      )}
      {message.stopped && (
        <p className="msg__note" data-testid="answer-stopped">
          <Icon name="stop" size={12} /> Génération arrêtée.
        </p>
      )}
      {message.failed && (
        <div className="msg__failure" role="alert" data-testid="answer-failed">
          <span>{message.failed}</span>
          {onRetry && (
            <Button size="compact-sm" variant="default" onClick={onRetry} leftSection={<Icon name="retry" size={14} />}>
              Réessayer
            </Button>
          )}
        </div>
      )}
      {message.sources && message.sources.length > 0 && <Sources sources={message.sources} />}
    </article>
  );
}
