import { ChatPanel } from '../features/chat/components/ChatPanel';
import { ConversationSidebar } from '../features/conversations/components/ConversationSidebar';
import { navigate } from './router';

/** The main page: conversation list on the left, the selected conversation on the right. */
export function ChatRoute({ conversationId }: { conversationId: string | null }) {
  return (
    <div className="chat-layout">
      <ConversationSidebar
        selectedId={conversationId}
        onSelect={(id) => navigate(`/c/${encodeURIComponent(id)}`)}
        onNew={() => navigate('/')}
        onDeleted={(id) => {
          if (id === conversationId) navigate('/', { replace: true });
        }}
      />
      <ChatPanel conversationId={conversationId} onConversationCreated={(id) => navigate(`/c/${encodeURIComponent(id)}`, { replace: true })} />
    </div>
  );
}
