using Mediator;
using Microsoft.EntityFrameworkCore;
using Wibot.Application.Common.Exceptions;
using Wibot.Application.Common.Interfaces;
using Wibot.Domain.Conversations;

namespace Wibot.Application.Conversations.GetMessages;

public sealed record GetMessagesQuery(int UserId, Guid ConversationId) : IQuery<MessagesResponse>;

public sealed record MessagesResponse(Guid ConversationId, IReadOnlyList<MessageDto> Messages);

public sealed class GetMessagesHandler(IWibotDbContext db) : IQueryHandler<GetMessagesQuery, MessagesResponse>
{
    private static readonly IReadOnlyList<Chat.ChatToolCallDto> NoToolCalls = [];

    public async ValueTask<MessagesResponse> Handle(GetMessagesQuery query, CancellationToken cancellationToken)
    {
        // One query in the common case: the caller's ownership is part of the join; only an empty
        // answer needs a second look to tell "no messages yet" from "not yours" (404).
        var messages = await db.Messages.AsNoTracking()
            .Where(m => m.ConversationId == query.ConversationId
                && db.Conversations.Any(c => c.Id == query.ConversationId && c.UserId == query.UserId))
            .OrderBy(m => m.CreatedAt).ThenBy(m => m.Id)
            .Select(m => new MessageDto(
                m.Id,
                m.Role == MessageRole.Assistant ? "assistant" : "user",
                m.Content,
                m.Mode == ChatMode.Code ? "code" : m.Mode == ChatMode.Redaction ? "redaction" : "flash",
                m.TokensUsed,
                m.CreatedAt,
                m.HasAttachment,
                m.AttachmentName,
                m.AttachmentType,
                NoToolCalls))
            .ToListAsync(cancellationToken);
        if (messages.Count == 0
            && !await db.Conversations.AnyAsync(c => c.Id == query.ConversationId && c.UserId == query.UserId, cancellationToken))
        {
            throw new NotFoundException("Conversation");
        }

        // The tool calls the assistant proposed, each with its current status, on the message of their turn.
        var calls = await db.ToolCalls.AsNoTracking().Where(c => c.ConversationId == query.ConversationId).OrderBy(c => c.CreatedAt).ToListAsync(cancellationToken);
        if (calls.Count > 0)
        {
            var byMessage = calls.GroupBy(c => c.MessageId).ToDictionary(g => g.Key, g => (IReadOnlyList<Chat.ChatToolCallDto>)g.Select(c => Chat.ChatTools.ToDto(c)).ToList());
            messages = messages.Select(m => byMessage.TryGetValue(m.MessageId, out var mine) ? m with { ToolCalls = mine } : m).ToList();
        }

        return new MessagesResponse(query.ConversationId, messages);
    }
}
