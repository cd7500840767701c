using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Wibot.Application.Common.Exceptions;
using Wibot.Application.Common.Interfaces;
using Wibot.Domain.Safeguard;

namespace Wibot.Application.Safeguard.GetSafeguardRequests;

/// <summary>
/// The queue as a technician sees it, oldest first, each request with <c>can_decide</c> for them.
/// <c>After</c> (a request id) pages forward in (created_at, number) order, so requests raised at the same instant are never skipped.
/// </summary>
public sealed record GetSafeguardRequestsQuery(int UserId, string Status, int Limit, string? After = null) : IQuery<SafeguardListResponse>;

/// <summary>A page; <c>Total</c> counts the requests of the status, <c>NextAfter</c> is the last one's id when there may be more.</summary>
public sealed record SafeguardListResponse(IReadOnlyList<SafeguardRequestDto> Requests, int Total, string? NextAfter = null);

public sealed class GetSafeguardRequestsValidator : AbstractValidator<GetSafeguardRequestsQuery>
{
    public GetSafeguardRequestsValidator()
    {
        RuleFor(x => x.Status).Must(s => s is "pending" or "approved" or "rejected" or "expired" or "all")
            .WithMessage("status must be pending, approved, rejected, expired or all.");
        RuleFor(x => x.Limit).InclusiveBetween(1, 200);
        RuleFor(x => x.After).Must(a => a is null || SafeguardRequest.TryParseId(a, out _)).WithName("after").WithMessage("after must be a request id (APR-…).");
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
        var page = q;
        if (SafeguardRequest.TryParseId(query.After, out var afterId))
        {
            var anchor = await db.SafeguardRequests.AsNoTracking().Where(r => r.Id == afterId).Select(r => (DateTimeOffset?)r.CreatedAt).FirstOrDefaultAsync(cancellationToken);
            if (anchor is { } at)
            {
                page = q.Where(r => r.CreatedAt > at || (r.CreatedAt == at && r.Id > afterId));
            }
        }

        var rows = await page.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).Take(query.Limit).ToListAsync(cancellationToken);
        var items = rows.Select(r => SafeguardViews.ToDto(r, now, viewer, maskSecrets: true)).ToList();

        // The number of requests of this status, not of this page.
        var total = rows.Count < query.Limit && query.After is null ? rows.Count : await q.CountAsync(cancellationToken);
        return new SafeguardListResponse(items, total, rows.Count == query.Limit ? rows[^1].RequestId : null);
    }
}
