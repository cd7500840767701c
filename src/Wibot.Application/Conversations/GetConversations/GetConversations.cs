using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Wibot.Application.Common.Interfaces;

namespace Wibot.Application.Conversations.GetConversations;

/// <summary>The caller's conversations by last activity, newest first; <c>Before</c> is the cursor.</summary>
public sealed record GetConversationsQuery(int UserId, int Limit, DateTimeOffset? Before) : IQuery<ConversationsResponse>;

public sealed record ConversationsResponse(IReadOnlyList<ConversationDto> Conversations, DateTimeOffset? NextBefore);

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

        var items = await q
            .OrderByDescending(c => c.UpdatedAt).ThenByDescending(c => c.Id)
            .Take(query.Limit)
            .Select(c => new ConversationDto(c.Id, c.Title, c.CreatedAt, c.UpdatedAt, c.MessageCount))
            .ToListAsync(cancellationToken);
        return new ConversationsResponse(items, items.Count == query.Limit ? items[^1].UpdatedAt : null);
    }
}
