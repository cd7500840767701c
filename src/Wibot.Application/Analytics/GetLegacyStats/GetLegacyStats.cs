using System.Text.Json.Serialization;
using FluentValidation;
using Mediator;
using Wibot.Application.Common.Interfaces;

namespace Wibot.Application.Analytics.GetLegacyStats;

/// <summary>The n8n-era dashboard block: a window of the last 24 hours, 7 or 30 days ending now.</summary>
public sealed record GetLegacyStatsQuery(string Period) : IQuery<LegacyStatsResponse>;

public sealed record LegacyStatsResponse(string Period, LegacyStats Stats);

public sealed record LegacyStats(
    LegacyTokens Tokens,
    LegacyMessages Messages,
    LegacyModes Modes,
    LegacyConversations Conversations,
    LegacyUsers Users,
    LegacyFiles Files,
    LegacyRag Rag);

public sealed record LegacyTokens(long Used, long Quota, long Percentage);

public sealed record LegacyMessages(long Total, long Today, [property: JsonPropertyName("byDay")] IReadOnlyList<LegacyDay> ByDay);

public sealed record LegacyDay(string Date, long Count, long Tokens);

public sealed record LegacyModes(long Flash, long Code, long Redaction);

public sealed record LegacyConversations(long Total, long Active);

public sealed record LegacyUsers(long Total);

public sealed record LegacyFiles(long Total, [property: JsonPropertyName("messagesWithFiles")] long MessagesWithFiles);

public sealed record LegacyRag(long Queries);

public sealed class GetLegacyStatsValidator : AbstractValidator<GetLegacyStatsQuery>
{
    public GetLegacyStatsValidator() =>
        RuleFor(x => x.Period).Must(p => p is "24h" or "7d" or "30d").WithMessage("period must be 24h, 7d or 30d.");
}

public sealed class GetLegacyStatsHandler(IUsageAnalytics analytics, TimeProvider clock, AnalyticsCache cache)
    : IQueryHandler<GetLegacyStatsQuery, LegacyStatsResponse>
{
    public async ValueTask<LegacyStatsResponse> Handle(GetLegacyStatsQuery query, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var days = query.Period switch { "24h" => 1, "7d" => 7, _ => 30 };
        return await cache.GetOrComputeAsync("legacy|" + query.Period, now, async () =>
            new LegacyStatsResponse(query.Period, await analytics.LegacyWindowAsync(days, now, cancellationToken)));
    }
}
