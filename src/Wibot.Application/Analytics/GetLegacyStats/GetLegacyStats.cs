using System.Text.Json.Serialization;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.Options;
using Wibot.Application.Common.Interfaces;
using Wibot.Application.Common.Options;
using Wibot.Application.Common.Sql;
using Wibot.Domain.Tokens;

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

public sealed class GetLegacyStatsHandler(IWibotDbContext db, QuotaCalendar calendar, TimeProvider clock, IOptions<QuotaOptions> options, AnalyticsCache cache)
    : IQueryHandler<GetLegacyStatsQuery, LegacyStatsResponse>
{
    private const string Sql = """
        SELECT coalesce(sum(CASE WHEN t.month = @month THEN t.used_tokens ELSE 0 END), 0)::bigint,
               coalesce(sum(coalesce(t.quota_tokens, @default_quota)), 0)::bigint
          FROM users u
          LEFT JOIN LATERAL (SELECT month, used_tokens, quota_tokens FROM user_token_usage
                              WHERE user_id = u.user_id AND month <= @month ORDER BY month DESC LIMIT 1) t ON true;

        SELECT (SELECT count(*) FROM messages WHERE role = 'user'),
               (SELECT count(*) FROM messages WHERE role = 'user' AND created_at >= @day_start),
               (SELECT count(*) FROM messages WHERE role = 'user' AND mode = 'flash' AND created_at >= @start),
               (SELECT count(*) FROM messages WHERE role = 'user' AND mode = 'code' AND created_at >= @start),
               (SELECT count(*) FROM messages WHERE role = 'user' AND mode = 'redaction' AND created_at >= @start),
               (SELECT count(*) FROM conversations),
               (SELECT count(*) FROM conversations WHERE updated_at >= @start),
               (SELECT count(*) FROM users WHERE is_active),
               (SELECT coalesce(sum(attachment_count), 0)::bigint FROM messages WHERE created_at >= @start),
               (SELECT count(*) FROM messages WHERE has_attachment AND created_at >= @start),
               (SELECT count(*) FROM messages WHERE role = 'assistant' AND source_count > 0 AND created_at >= @start);

        SELECT d::date, count(m.message_id), coalesce(sum(m.tokens_used), 0)
          FROM generate_series(@first_day::date, @last_day::date, interval '1 day') AS d
          LEFT JOIN messages m ON m.created_at >= @start AND m.created_at <= @now
                              AND (m.created_at AT TIME ZONE @tz)::date = d::date
         GROUP BY d ORDER BY d;
        """;

    public async ValueTask<LegacyStatsResponse> Handle(GetLegacyStatsQuery query, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return await cache.GetOrComputeAsync("legacy|" + query.Period, now, () => ComputeAsync(query, now, cancellationToken));
    }

    private async Task<LegacyStatsResponse> ComputeAsync(GetLegacyStatsQuery query, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var days = query.Period switch { "24h" => 1, "7d" => 7, _ => 30 };
        var start = now.AddDays(-days);
        var parameters = new Dictionary<string, object>
        {
            ["now"] = now,
            ["start"] = start,
            ["day_start"] = now.AddDays(-1),
            ["month"] = calendar.MonthOf(now),
            ["default_quota"] = options.Value.DefaultMonthlyTokens,
            ["first_day"] = calendar.DayOf(start),
            ["last_day"] = calendar.DayOf(now),
            ["tz"] = calendar.TimeZone.Id,
        };

        long used = 0, quota = 0;
        var counts = new long[11];
        var byDay = new List<LegacyDay>();
        await SqlBatch.RunAsync(db, Sql, parameters, async reader =>
        {
            await reader.ReadAsync(cancellationToken);
            used = reader.GetInt64(0);
            quota = reader.GetInt64(1);
            await reader.NextResultAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            for (var i = 0; i < counts.Length; i++)
            {
                counts[i] = reader.GetInt64(i);
            }

            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                byDay.Add(new LegacyDay(reader.GetFieldValue<DateOnly>(0).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), reader.GetInt64(1), reader.GetInt64(2)));
            }
        }, cancellationToken);

        var percentage = quota == 0 ? 0 : (long)Math.Round(used * 100.0 / quota, MidpointRounding.AwayFromZero);
        var response = new LegacyStatsResponse(query.Period, new LegacyStats(
            new LegacyTokens(used, quota, percentage),
            new LegacyMessages(counts[0], counts[1], byDay),
            new LegacyModes(counts[2], counts[3], counts[4]),
            new LegacyConversations(counts[5], counts[6]),
            new LegacyUsers(counts[7]),
            new LegacyFiles(counts[8], counts[9]),
            new LegacyRag(counts[10])));
        return response;
    }
}
