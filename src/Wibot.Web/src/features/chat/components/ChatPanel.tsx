import { Stack, Text, Title } from '@mantine/core';
import { useEffect, useRef } from 'react';
import { Icon } from '@/components/ui/Icon';
import { Spinner } from '@/components/ui/Spinner';
import { useChatSession, type QuotaState } from '../hooks/useChatSession';
import { useFileDrop } from '../hooks/useFileDrop';
import { ChatComposer } from './ChatComposer';
import { MessageView } from './MessageView';

export type { QuotaState } from '../hooks/useChatSession';

interface ChatPanelProps {
  conversationId: string | null;
  /** The server created a conversation for the first message: the page should now show it. */
  onConversationCreated: (id: string) => void;
  /** An answer ended (done, failed or stopped): the conversation list and the token balance may have changed. */
  onAnswerSettled?: () => void;
  /** The caller's monthly quota, for the banner shown when it is spent. */
  quota?: QuotaState | null;
  /** Follows an in-app link of a message (a tool call's Safeguard request) without reloading the page. */
  onOpenLink?: (path: string) => void;
}

/** One conversation: its messages, the answer streaming into it, and the input under them. */
export function ChatPanel({ conversationId, onConversationCreated, onAnswerSettled, quota, onOpenLink }: ChatPanelProps) {
  const session = useChatSession({ conversationId, onConversationCreated, onAnswerSettled, quota });
  const { messages, loading, sending } = session;
  const drop = useFileDrop({ disabled: sending, onDrop: session.dropFiles });
  const listRef = useRef<HTMLDivElement>(null);

  // Keep the newest text in view while it streams.
  useEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [messages]);

  return (
    <section className="chat" aria-label="Discussion" {...drop.handlers}>
      {drop.dragging && (
        <div className="chat__dropzone" data-testid="dropzone">
          <Icon name="paperclip" size={22} /> Déposez le fichier pour le joindre
        </div>
      )}
      <p className="sr-only" role="status" aria-live="polite" data-testid="chat-status">
        {session.status}
      </p>
      <div className="chat__messages" ref={listRef}>
        {loading && <Spinner label="Chargement des messages…" />}
        {!loading && messages.length === 0 && (
          <Stack className="chat__welcome" gap="xs" align="center">
            <Title order={2}>Bonjour, comment puis-je vous aider ?</Title>
            <Text c="dimmed">Choisissez un mode, posez votre question ou joignez un journal (log) ou un document à analyser.</Text>
          </Stack>
        )}
        {messages.map((message) => (
          <MessageView
            key={message.id}
            message={message}
            onRetry={message.failed && !sending ? () => session.retry(message.id) : undefined}
            onOpenLink={onOpenLink}
          />
        ))}
      </div>

      <ChatComposer
        quota={quota}
        quotaRefused={session.quotaRefused}
        error={session.shownError}
        onDismissError={session.dismissError}
        mode={session.mode}
        onModeChange={session.chooseMode}
        text={session.text}
        onTextChange={session.setText}
        file={session.file}
        onPickFile={session.pickFile}
        onRemoveFile={session.removeFile}
        sending={sending}
        onSend={session.send}
        onStop={session.stop}
        inputRef={session.inputRef}
      />
    </section>
  );
}
