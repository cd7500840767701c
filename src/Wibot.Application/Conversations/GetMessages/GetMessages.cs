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
    public async ValueTask<MessagesResponse> Handle(GetMessagesQuery query, CancellationToken cancellationToken)
    {
        // One round trip: the ownership check is part of the query, and an empty result is told
        // apart from "not yours" by the conversation row that comes along.
        var rows = await db.Conversations.AsNoTracking()
            .Where(c => c.Id == query.ConversationId && c.UserId == query.UserId)
            .Select(c => new
            {
                Messages = db.Messages
                    .Where(m => m.ConversationId == c.Id)
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
                        m.AttachmentType))
                    .ToList(),
            })
            .FirstOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException("Conversation");
        return new MessagesResponse(query.ConversationId, rows.Messages);
    }
}
