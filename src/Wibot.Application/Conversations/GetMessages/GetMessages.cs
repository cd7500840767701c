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
            // A call still marked pending may have been decided a moment ago (the continuation settles it):
            // its current status is the request's.
            var pendingNumbers = calls.Where(c => c.Status == Domain.Tools.ToolCallStatus.PendingApproval && c.RequestNumber != null).Select(c => c.RequestNumber!.Value).ToList();
            var decided = pendingNumbers.Count == 0
                ? []
                : await db.SafeguardRequests.AsNoTracking().Where(r => pendingNumbers.Contains(r.Id))
                    .Select(r => new { r.Id, r.Status, r.ExpiresAt }).ToDictionaryAsync(r => r.Id, r => Domain.Safeguard.SafeguardRequest.EffectiveStatus(r.Status, r.ExpiresAt, DateTimeOffset.UtcNow), cancellationToken);
            Chat.ChatToolCallDto Current(Domain.Tools.ToolCall c)
            {
                var dto = Chat.ChatTools.ToDto(c);
                return c.RequestNumber is { } n && decided.TryGetValue(n, out var status) && status != Domain.Safeguard.SafeguardStatus.Pending
                    ? dto with { Status = status == Domain.Safeguard.SafeguardStatus.Approved ? "running" : Safeguard.SafeguardViews.StatusName(status) }
                    : dto;
            }

            var byMessage = calls.GroupBy(c => c.MessageId).ToDictionary(g => g.Key, g => (IReadOnlyList<Chat.ChatToolCallDto>)g.Select(Current).ToList());
            messages = messages.Select(m => byMessage.TryGetValue(m.MessageId, out var mine) ? m with { ToolCalls = mine } : m).ToList();
        }

        return new MessagesResponse(query.ConversationId, messages);
    }
}
