using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Wibot.Application.Common.Interfaces;

namespace Wibot.Application.Conversations.GetConversations;

/// <summary>
/// The caller's conversations by last activity, newest first. The cursor is either a conversation id
/// (<c>BeforeId</c>: the rows after it in (updated_at, id) order, so rows sharing a timestamp are never
/// skipped) or a timestamp (<c>Before</c>: the rows last active before it).
/// </summary>
public sealed record GetConversationsQuery(int UserId, int Limit, DateTimeOffset? Before, Guid? BeforeId = null) : IQuery<ConversationsResponse>;

/// <summary>A page; <c>NextBefore</c> is the id of its last conversation when there may be more.</summary>
public sealed record ConversationsResponse(IReadOnlyList<ConversationDto> Conversations, Guid? NextBefore);

public sealed class GetConversationsValidator : AbstractValidator<GetConversationsQuery>
{
    public GetConversationsValidator() => RuleFor(x => x.Limit).InclusiveBetween(1, 200);
}

public sealed class GetConversationsHandler(IWibotDbContext db) : IQueryHandler<GetConversationsQuery, ConversationsResponse>
{
    public async ValueTask<ConversationsResponse> Handle(GetConversationsQuery query, CancellationToken cancellationToken)
    {
        var q = db.Conversations.AsNoTracking().Where(c => c.UserId == query.UserId);
        if (query.Before is { } before)
        {
            q = q.Where(c => c.UpdatedAt < before);
        }

        if (query.BeforeId is { } id)
        {
            // An id that is not one of the caller's conversations gives an empty page (404 would tell ids apart).
            var anchor = await db.Conversations.AsNoTracking().Where(c => c.Id == id && c.UserId == query.UserId)
                .Select(c => (DateTimeOffset?)c.UpdatedAt).FirstOrDefaultAsync(cancellationToken);
            if (anchor is not { } at)
            {
                return new ConversationsResponse([], null);
            }

            q = q.Where(c => c.UpdatedAt < at || (c.UpdatedAt == at && c.Id < id));
        }

        var items = await q
            .OrderByDescending(c => c.UpdatedAt).ThenByDescending(c => c.Id)
            .Take(query.Limit)
            .Select(c => new ConversationDto(c.Id, c.Title, c.CreatedAt, c.UpdatedAt, c.MessageCount))
            .ToListAsync(cancellationToken);
        return new ConversationsResponse(items, items.Count == query.Limit ? items[^1].ConversationId : null);
    }
}
