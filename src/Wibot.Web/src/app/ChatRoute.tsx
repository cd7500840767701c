import { useQueryClient } from '@tanstack/react-query';
import { chatKeys } from '@/features/chat/api/chat';
import { ChatPanel } from '@/features/chat/components/ChatPanel';
import { conversationKeys } from '@/features/conversations/api/conversations';
import { ConversationSidebar } from '@/features/conversations/components/ConversationSidebar';
import { gaugeState } from '@/features/tokens/api/gauge';
import { tokenKeys, useTokenBalance } from '@/features/tokens/api/tokens';
import { navigate } from './navigation';

/**
 * The main page: conversation list on the left, the selected conversation on the right. Features do
 * not know each other; this page wires them: a finished answer refreshes the conversation list and
 * the token balance, a deleted conversation drops its cached messages.
 */
export function ChatRoute({ conversationId }: { conversationId: string | null }) {
  const queryClient = useQueryClient();
  const { data: balance } = useTokenBalance();
  const quota = balance ? { exhausted: gaugeState(balance).level === 'exhausted', resetsAt: balance.resets_at ?? null } : null;

  return (
    <div className="chat-layout">
      <ConversationSidebar
        selectedId={conversationId}
        onSelect={(id) => navigate(`/c/${encodeURIComponent(id)}`)}
        onNew={() => navigate('/')}
        onDeleted={(id) => {
          queryClient.removeQueries({ queryKey: chatKeys.messages(id) });
          if (id === conversationId) navigate('/', { replace: true });
        }}
      />
      <ChatPanel
        conversationId={conversationId}
        quota={quota}
        onAnswerSettled={() => {
          void queryClient.invalidateQueries({ queryKey: conversationKeys.all });
          void queryClient.invalidateQueries({ queryKey: tokenKeys.all });
        }}
        onConversationCreated={(id) => navigate(`/c/${encodeURIComponent(id)}`, { replace: true })}
        onOpenLink={(path) => navigate(path)}
      />
    </div>
  );
}
