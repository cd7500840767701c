import { ActionIcon, Button, FileButton, Group, SegmentedControl, Stack, Text, Textarea } from '@mantine/core';
import { useRef, type KeyboardEvent, type Ref } from 'react';
import { Alert } from '@/components/ui/Alert';
import { Icon } from '@/components/ui/Icon';
import { formatDate } from '@/lib/format';
import { ACCEPT_ATTRIBUTE } from '../api/attachments';
import { CHAT_MODES, type ChatMode } from '../api/chat';
import type { QuotaState } from '../hooks/useChatSession';

interface ChatComposerProps {
  /** The caller's monthly quota, for the banner shown when it is spent. */
  quota?: QuotaState | null;
  /** The quota refusal is the shown error: the banner steps aside. */
  quotaRefused: boolean;
  error: string | null;
  onDismissError: () => void;
  mode: ChatMode;
  onModeChange: (value: string) => void;
  text: string;
  onTextChange: (text: string) => void;
  file: File | null;
  onPickFile: (file: File | null) => void;
  onRemoveFile: () => void;
  /** An answer is being sent or streamed: the inputs wait, "Arrêter" replaces "Envoyer". */
  sending: boolean;
  onSend: () => void;
  onStop: () => void;
  inputRef: Ref<HTMLTextAreaElement>;
}

/** The input area under the messages: quota banner, errors, mode, attachment, message, send or stop. */
export function ChatComposer({
  quota,
  quotaRefused,
  error,
  onDismissError,
  mode,
  onModeChange,
  text,
  onTextChange,
  file,
  onPickFile,
  onRemoveFile,
  sending,
  onSend,
  onStop,
  inputRef,
}: ChatComposerProps) {
  const resetFileRef = useRef<() => void>(null);

  // The picker's input is emptied at once, so that the same file can be picked again.
  const pickFile = (picked: File | null) => {
    resetFileRef.current?.();
    onPickFile(picked);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      onSend();
    }
  };

  return (
    <form
      className="composer"
      onSubmit={(event) => {
        event.preventDefault();
        onSend();
      }}
    >
      <Stack gap="xs">
        {quota?.exhausted && !quotaRefused && (
          <div data-testid="quota-banner">
            <Alert tone="warning">
              Votre quota mensuel de tokens est épuisé
              {quota.resetsAt ? ` : il sera réinitialisé le ${formatDate(quota.resetsAt)}` : ''}. Un administrateur peut vous en
              attribuer davantage.
            </Alert>
          </div>
        )}
        {error && <Alert onDismiss={onDismissError}>{error}</Alert>}
        <Group justify="space-between" gap="xs">
          <SegmentedControl
            aria-label="Mode de réponse"
            name="mode"
            value={mode}
            onChange={onModeChange}
            disabled={sending}
            data={CHAT_MODES.map((m) => ({
              value: m.value,
              label: (
                <span className="mode-option" data-mode={m.value}>
                  <span>
                    <span aria-hidden="true">{m.icon}</span> {m.label}
                  </span>
                  <span className="mode-option__hint">{m.hint}</span>
                </span>
              ),
            }))}
          />
          <Group gap="xs">
            <FileButton onChange={pickFile} accept={ACCEPT_ATTRIBUTE} disabled={sending} resetRef={resetFileRef} inputProps={{ id: 'chat-file' }}>
              {(props) => (
                <Button {...props} variant="subtle" size="compact-sm" leftSection={<Icon name="paperclip" />} disabled={sending}>
                  Joindre un fichier
                </Button>
              )}
            </FileButton>
            {file && (
              <Group gap={4} className="file-chip" data-testid="attached-file" wrap="nowrap">
                <Text size="sm">
                  {file.name} ({Math.max(1, Math.round(file.size / 1024))} Ko)
                </Text>
                <ActionIcon size="sm" variant="subtle" color="gray" onClick={onRemoveFile} aria-label={`Retirer ${file.name}`}>
                  ×
                </ActionIcon>
              </Group>
            )}
          </Group>
        </Group>
        <Group align="flex-end" gap="sm" wrap="nowrap">
          <Textarea
            ref={inputRef}
            aria-label="Votre message"
            id="chat-input"
            value={text}
            onChange={(e) => onTextChange(e.currentTarget.value)}
            onKeyDown={onKeyDown}
            placeholder="Écrivez votre message… (Entrée pour envoyer, Maj+Entrée pour un retour à la ligne)"
            autosize
            minRows={3}
            maxRows={10}
            maxLength={32000}
            style={{ flex: 1 }}
          />
          {sending ? (
            <Button
              variant="default"
              onClick={onStop}
              leftSection={<Icon name="stop" size={14} />}
              title="Arrêter la génération (le texte déjà reçu est conservé)"
            >
              Arrêter
            </Button>
          ) : (
            <Button type="submit" disabled={!text.trim()}>
              Envoyer
            </Button>
          )}
        </Group>
      </Stack>
    </form>
  );
}
