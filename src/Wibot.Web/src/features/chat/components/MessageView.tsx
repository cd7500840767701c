import { Markdown } from '../../../components/ui/Markdown';
import { Icon } from '../../../components/ui/Icon';
import { formatDateTime } from '../../../lib/format';
import type { ChatSource } from '../../../lib/schemas';

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
}

const MODE_LABELS: Record<string, string> = { flash: 'Flash', code: 'Code', redaction: 'Rédaction' };

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

export function MessageView({ message }: { message: UiMessage }) {
  const isUser = message.role === 'user';
  return (
    <article
      className={isUser ? 'msg msg--user' : 'msg msg--assistant'}
      aria-label={isUser ? 'Message envoyé' : 'Réponse de WIBOT'}
      data-role={message.role}
    >
      <header className="msg__header">
        <span className="msg__author">{isUser ? 'Vous' : 'WIBOT'}</span>
        {message.mode && <span className={`chip chip--${message.mode}`}>{MODE_LABELS[message.mode] ?? message.mode}</span>}
        {message.createdAt && <time dateTime={message.createdAt}>{formatDateTime(message.createdAt)}</time>}
        {!isUser && !!message.tokensUsed && <span className="muted">{message.tokensUsed} tokens</span>}
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
          <p className="muted typing" aria-label="WIBOT rédige sa réponse">
            <span />
            <span />
            <span />
          </p>
        ) : null}
      </div>
      {message.sources && message.sources.length > 0 && <Sources sources={message.sources} />}
    </article>
  );
}
