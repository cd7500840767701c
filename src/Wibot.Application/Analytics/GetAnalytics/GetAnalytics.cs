using FluentValidation;
using Mediator;
using Wibot.Application.Common.Interfaces;
using Wibot.Domain.Tokens;

namespace Wibot.Application.Analytics.GetAnalytics;

/// <summary>Usage figures for a period of whole days (inclusive) in the configured time zone; default: this month.</summary>
public sealed record GetAnalyticsQuery(DateOnly? From, DateOnly? To) : IQuery<AnalyticsResponse>;

public sealed record AnalyticsPeriod(DateOnly From, DateOnly To);

public sealed record AnalyticsTotals(long Users, long ActiveUsers, long Conversations, long Messages, long Tokens);

public sealed record DayFigures(DateOnly Date, long Messages, long Tokens);

public sealed record ModeFigures(string Mode, long Messages, long Tokens);

public sealed record TopUser(int UserId, string Username, long Messages, long Tokens);

public sealed record UserQuota(int UserId, string Username, long UsedTokens, long QuotaTokens);

public sealed record AnalyticsResponse(
    AnalyticsPeriod Period,
    AnalyticsTotals Totals,
    IReadOnlyList<DayFigures> ByDay,
    IReadOnlyList<ModeFigures> ByMode,
    IReadOnlyList<TopUser> TopUsers,
    IReadOnlyList<UserQuota> Quotas);

public sealed class GetAnalyticsValidator : AbstractValidator<GetAnalyticsQuery>
{
    public GetAnalyticsValidator()
    {
        RuleFor(x => x.To).Must((q, to) => q.From is null || to is null || to >= q.From).WithMessage("'to' must not be before 'from'.");
        RuleFor(x => x.To).Must((q, to) => q.From is null || to is null || to.Value.DayNumber - q.From.Value.DayNumber <= 366)
            .WithMessage("The period cannot exceed 366 days.");
    }
}

public sealed class GetAnalyticsHandler(IUsageAnalytics analytics, QuotaCalendar calendar, TimeProvider clock, AnalyticsCache cache)
    : IQueryHandler<GetAnalyticsQuery, AnalyticsResponse>
{
    public async ValueTask<AnalyticsResponse> Handle(GetAnalyticsQuery query, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var month = calendar.MonthOf(now);
        var from = query.From ?? (query.To is { } t ? new DateOnly(t.Year, t.Month, 1) : month);
        var to = query.To ?? (query.From is null ? month.AddMonths(1).AddDays(-1) : from.AddMonths(1).AddDays(-1));
        if (to < from)
        {
            to = from;
        }

        var cacheKey = $"analytics|{from:yyyy-MM-dd}|{to:yyyy-MM-dd}";
        return await cache.GetOrComputeAsync(cacheKey, now, () => analytics.ForPeriodAsync(from, to, cancellationToken));
    }
}
