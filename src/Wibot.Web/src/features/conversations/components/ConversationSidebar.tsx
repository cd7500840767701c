import { ActionIcon, Button, Group, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useRef, useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/Alert';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { Icon } from '@/components/ui/Icon';
import { Spinner } from '@/components/ui/Spinner';
import { describeError } from '@/lib/errors';
import { formatDateTime } from '@/lib/format';
import type { ConversationDto } from '@/lib/schemas';
import { useConversations, useDeleteConversation, useRenameConversation } from '../api/conversations';

interface ConversationSidebarProps {
  selectedId: string | null;
  onSelect: (id: string) => void;
  onNew: () => void;
  /** Called after a conversation was deleted. */
  onDeleted: (id: string) => void;
}

export function ConversationSidebar({ selectedId, onSelect, onNew, onDeleted }: ConversationSidebarProps) {
  const conversations = useConversations();
  const rename = useRenameConversation();
  const remove = useDeleteConversation();
  const [editingId, setEditingId] = useState<string | null>(null);
  const [draftTitle, setDraftTitle] = useState('');
  const [toDelete, setToDelete] = useState<ConversationDto | null>(null);
  const [error, setError] = useState<string | null>(null);
  const rootRef = useRef<HTMLDivElement>(null);

  /** Moves the focus to a conversation's button (or the new-conversation one) once the list is drawn. */
  const focusLater = (id: string | null) =>
    window.setTimeout(() => {
      const root = rootRef.current;
      if (!root) return;
      const item = id ? Array.from(root.querySelectorAll<HTMLElement>('[data-conversation-id]')).find((li) => li.dataset.conversationId === id) : undefined;
      const target = item?.querySelector<HTMLElement>('.conv__open') ?? root.querySelector<HTMLElement>('[data-testid="new-conversation"]');
      target?.focus();
    }, 0);

  const list = conversations.data?.pages.flatMap((page) => page.conversations ?? []) ?? [];
  const listError = conversations.isError && list.length === 0 ? describeError(conversations.error) : null;

  const startRename = (conversation: ConversationDto) => {
    setEditingId(conversation.conversation_id ?? null);
    setDraftTitle(conversation.title ?? '');
  };

  const submitRename = (event: FormEvent) => {
    event.preventDefault();
    const id = editingId;
    const title = draftTitle.trim();
    if (!id) return;
    if (!title) {
      setError('Le titre ne peut pas être vide.');
      return;
    }
    rename.mutate(
      { id, title },
      {
        onSuccess: () => {
          setEditingId(null);
          setError(null);
          focusLater(id);
        },
        onError: (err) => setError(describeError(err, { 404: 'Conversation introuvable.' })),
      },
    );
  };

  const confirmDelete = () => {
    const id = toDelete?.conversation_id;
    if (!id) return;
    // The focus goes to the next conversation (else the previous one, else "Nouvelle conversation").
    const index = list.findIndex((c) => c.conversation_id === id);
    const next = list[index + 1]?.conversation_id ?? list[index - 1]?.conversation_id ?? null;
    remove.mutate(id, {
      onSuccess: () => {
        setToDelete(null);
        setError(null);
        onDeleted(id);
        focusLater(next);
      },
      onError: (err) => {
        setToDelete(null);
        setError(describeError(err, { 404: 'Conversation introuvable.' }));
      },
    });
  };

  return (
    <Stack component="aside" aria-label="Conversations" className="sidebar" gap="sm" ref={rootRef}>
      <Button fullWidth onClick={onNew} leftSection="+" data-testid="new-conversation">
        Nouvelle conversation
      </Button>
      {error && <Alert onDismiss={() => setError(null)}>{error}</Alert>}
      <div className="sidebar__scroll">
        {listError ? (
          <div data-testid="conversations-error">
            <Alert>
              <Stack gap={6} align="flex-start">
                <span>Impossible de charger vos conversations : {listError}</span>
                <Button size="compact-sm" variant="default" onClick={() => void conversations.refetch()} loading={conversations.isFetching}>
                  Réessayer
                </Button>
              </Stack>
            </Alert>
          </div>
        ) : conversations.isPending ? (
          <Spinner />
        ) : list.length === 0 ? (
          <Text c="dimmed" size="sm" p="xs">
            Aucune conversation pour le moment.
          </Text>
        ) : (
          <ul className="conv-list" aria-label="Vos conversations">
            {list.map((conversation) => {
              const id = conversation.conversation_id ?? '';
              const active = id === selectedId;
              const title = conversation.title || 'Sans titre';
              return (
                <li key={id} className={active ? 'conv conv--active' : 'conv'} data-conversation-id={id}>
                  {editingId === id ? (
                    <form className="conv__edit" onSubmit={submitRename}>
                      <TextInput
                        aria-label="Nouveau titre"
                        value={draftTitle}
                        maxLength={200}
                        size="xs"
                        autoFocus
                        onChange={(e) => setDraftTitle(e.currentTarget.value)}
                        onKeyDown={(e) => {
                          if (e.key === 'Escape') setEditingId(null);
                        }}
                      />
                      <Group gap={6} mt={6}>
                        <Button type="submit" size="compact-sm" loading={rename.isPending}>
                          Enregistrer
                        </Button>
                        <Button variant="subtle" size="compact-sm" onClick={() => setEditingId(null)}>
                          Annuler
                        </Button>
                      </Group>
                    </form>
                  ) : (
                    <>
                      <UnstyledButton className="conv__open" onClick={() => onSelect(id)} aria-current={active ? 'true' : undefined}>
                        <span className="conv__title" title={title}>
                          {title}
                        </span>
                        <span className="conv__meta">
                          {formatDateTime(conversation.updated_at)} · {conversation.message_count ?? 0} msg
                        </span>
                      </UnstyledButton>
                      <Group gap={2} className="conv__actions" wrap="nowrap">
                        <ActionIcon
                          variant="subtle"
                          color="gray"
                          onClick={() => startRename(conversation)}
                          aria-label={`Renommer la conversation ${title}`}
                          title="Renommer"
                        >
                          <Icon name="pencil" />
                        </ActionIcon>
                        <ActionIcon
                          variant="subtle"
                          color="red"
                          onClick={() => setToDelete(conversation)}
                          aria-label={`Supprimer la conversation ${title}`}
                          title="Supprimer"
                        >
                          <Icon name="trash" />
                        </ActionIcon>
                      </Group>
                    </>
                  )}
                </li>
              );
            })}
          </ul>
        )}
        {conversations.hasNextPage && (
          <Button variant="subtle" fullWidth mt="xs" onClick={() => void conversations.fetchNextPage()} loading={conversations.isFetchingNextPage}>
            Afficher plus
          </Button>
        )}
      </div>
      <ConfirmDialog
        open={toDelete !== null}
        title="Supprimer la conversation ?"
        confirmLabel="Supprimer"
        danger
        busy={remove.isPending}
        onConfirm={confirmDelete}
        onCancel={() => setToDelete(null)}
      >
        <Text>« {toDelete?.title || 'Sans titre'} » et tous ses messages seront définitivement supprimés.</Text>
      </ConfirmDialog>
    </Stack>
  );
}
