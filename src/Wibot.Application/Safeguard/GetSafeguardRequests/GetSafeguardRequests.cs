using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Wibot.Application.Common.Exceptions;
using Wibot.Application.Common.Interfaces;
using Wibot.Domain.Safeguard;

namespace Wibot.Application.Safeguard.GetSafeguardRequests;

/// <summary>The queue as a technician sees it, oldest first, each request with <c>can_decide</c> for them.</summary>
public sealed record GetSafeguardRequestsQuery(int UserId, string Status, int Limit) : IQuery<SafeguardListResponse>;

public sealed record SafeguardListResponse(IReadOnlyList<SafeguardRequestDto> Requests, int Total);

public sealed class GetSafeguardRequestsValidator : AbstractValidator<GetSafeguardRequestsQuery>
{
    public GetSafeguardRequestsValidator()
    {
        RuleFor(x => x.Status).Must(s => s is "pending" or "approved" or "rejected" or "expired" or "all")
            .WithMessage("status must be pending, approved, rejected, expired or all.");
        RuleFor(x => x.Limit).InclusiveBetween(1, 200);
    }
}

public sealed class GetSafeguardRequestsHandler(IWibotDbContext db, TimeProvider clock) : IQueryHandler<GetSafeguardRequestsQuery, SafeguardListResponse>
{
    public async ValueTask<SafeguardListResponse> Handle(GetSafeguardRequestsQuery query, CancellationToken cancellationToken)
    {
        var viewer = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == query.UserId, cancellationToken)
            ?? throw new NotFoundException("User");
        var now = clock.GetUtcNow();
        var q = db.SafeguardRequests.AsNoTracking();
        q = query.Status switch
        {
            "pending" => q.Where(r => r.Status == SafeguardStatus.Pending && r.ExpiresAt > now),
            "expired" => q.Where(r => r.Status == SafeguardStatus.Expired || (r.Status == SafeguardStatus.Pending && r.ExpiresAt <= now)),
            "approved" => q.Where(r => r.Status == SafeguardStatus.Approved),
            "rejected" => q.Where(r => r.Status == SafeguardStatus.Rejected),
            _ => q,
        };
        var rows = await q.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).Take(query.Limit).ToListAsync(cancellationToken);
        var items = rows.Select(r => SafeguardViews.ToDto(r, now, viewer, maskSecrets: true)).ToList();

        // The number of requests of this status, not of this page.
        var total = rows.Count < query.Limit ? rows.Count : await q.CountAsync(cancellationToken);
        return new SafeguardListResponse(items, total);
    }
}
