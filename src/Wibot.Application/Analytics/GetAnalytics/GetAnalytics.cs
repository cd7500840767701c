using FluentValidation;
using Mediator;
using Microsoft.Extensions.Options;
using Wibot.Application.Common.Interfaces;
using Wibot.Application.Common.Options;
using Wibot.Application.Common.Sql;
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

public sealed class GetAnalyticsHandler(IWibotDbContext db, QuotaCalendar calendar, TimeProvider clock, IOptions<QuotaOptions> options, AnalyticsCache cache)
    : IQueryHandler<GetAnalyticsQuery, AnalyticsResponse>
{
    // Every figure is computed by PostgreSQL in one statement that reads the period's messages once.
    private const string Sql = """
        WITH m AS MATERIALIZED (
            SELECT (m.created_at AT TIME ZONE @tz)::date AS day, m.mode, m.tokens_used, c.user_id
            FROM messages m
            JOIN conversations c ON c.conversation_id = m.conversation_id
            WHERE m.created_at >= @start AND m.created_at < @end
        ),
        per_day AS (SELECT day, count(*) AS messages, coalesce(sum(tokens_used), 0) AS tokens FROM m GROUP BY day),
        per_mode AS (SELECT mode, count(*) AS messages, coalesce(sum(tokens_used), 0) AS tokens FROM m GROUP BY mode),
        per_user AS (SELECT user_id, count(*) AS messages, coalesce(sum(tokens_used), 0) AS tokens FROM m GROUP BY user_id)
        SELECT (SELECT count(*) FROM users),
               (SELECT count(*) FROM per_user),
               (SELECT count(*) FROM conversations WHERE created_at >= @start AND created_at < @end),
               (SELECT coalesce(sum(messages), 0)::bigint FROM per_day),
               (SELECT coalesce(sum(tokens), 0)::bigint FROM per_day),
               (SELECT json_agg(json_build_array(d::date, coalesce(p.messages, 0), coalesce(p.tokens, 0)) ORDER BY d)
                  FROM generate_series(@from::date, @to::date, interval '1 day') AS d LEFT JOIN per_day p ON p.day = d::date),
               (SELECT json_agg(json_build_array(k.mode, coalesce(p.messages, 0), coalesce(p.tokens, 0)) ORDER BY k.ord)
                  FROM unnest(ARRAY['flash', 'code', 'redaction']) WITH ORDINALITY AS k(mode, ord) LEFT JOIN per_mode p ON p.mode = k.mode),
               (SELECT json_agg(json_build_array(t.user_id, u.username, t.messages, t.tokens) ORDER BY t.tokens DESC, t.messages DESC, t.user_id)
                  FROM (SELECT * FROM per_user ORDER BY tokens DESC, messages DESC, user_id LIMIT 10) t JOIN users u ON u.user_id = t.user_id),
               (SELECT json_agg(json_build_array(u.user_id, u.username, CASE WHEN t.month = @month THEN t.used_tokens ELSE 0 END,
                                                  coalesce(t.quota_tokens, @default_quota)) ORDER BY u.username)
                  FROM users u
                  LEFT JOIN LATERAL (SELECT month, used_tokens, quota_tokens FROM user_token_usage
                                      WHERE user_id = u.user_id AND month <= @month ORDER BY month DESC LIMIT 1) t ON true);
        """;

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

        var parameters = new Dictionary<string, object>
        {
            ["start"] = calendar.StartOf(from),
            ["end"] = calendar.StartOf(to.AddDays(1)),
            ["from"] = from,
            ["to"] = to,
            ["tz"] = calendar.TimeZone.Id,
            ["month"] = calendar.MonthOf(calendar.StartOf(to)),
            ["default_quota"] = options.Value.DefaultMonthlyTokens,
        };

        AnalyticsTotals totals = new(0, 0, 0, 0, 0);
        var byDay = new List<DayFigures>();
        var byMode = new List<ModeFigures>();
        var top = new List<TopUser>();
        var quotas = new List<UserQuota>();
        var cacheKey = $"analytics|{from:yyyy-MM-dd}|{to:yyyy-MM-dd}";
        return await cache.GetOrComputeAsync(cacheKey, now, async () =>
        {
        await SqlBatch.RunAsync(db, Sql, parameters, async reader =>
        {
            await reader.ReadAsync(cancellationToken);
            totals = new AnalyticsTotals(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
            foreach (var row in Rows(reader, 5))
            {
                byDay.Add(new DayFigures(DateOnly.Parse(row[0].GetString()!, System.Globalization.CultureInfo.InvariantCulture), row[1].GetInt64(), row[2].GetInt64()));
            }

            foreach (var row in Rows(reader, 6))
            {
                byMode.Add(new ModeFigures(row[0].GetString()!, row[1].GetInt64(), row[2].GetInt64()));
            }

            foreach (var row in Rows(reader, 7))
            {
                top.Add(new TopUser(row[0].GetInt32(), row[1].GetString()!, row[2].GetInt64(), row[3].GetInt64()));
            }

            foreach (var row in Rows(reader, 8))
            {
                quotas.Add(new UserQuota(row[0].GetInt32(), row[1].GetString()!, row[2].GetInt64(), row[3].GetInt64()));
            }
        }, cancellationToken);

        return new AnalyticsResponse(new AnalyticsPeriod(from, to), totals, byDay, byMode, top, quotas);
        });
    }

    private static List<System.Text.Json.JsonElement[]> Rows(System.Data.Common.DbDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            return [];
        }

        using var doc = System.Text.Json.JsonDocument.Parse(reader.GetString(ordinal));
        return doc.RootElement.EnumerateArray().Select(r => r.EnumerateArray().Select(e => e.Clone()).ToArray()).ToList();
    }
}
