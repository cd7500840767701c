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

public sealed class GetAnalyticsHandler(IWibotDbContext db, QuotaCalendar calendar, TimeProvider clock, IOptions<QuotaOptions> options)
    : IQueryHandler<GetAnalyticsQuery, AnalyticsResponse>
{
    // Every figure is computed by PostgreSQL, in one round trip of six statements.
    private const string Sql = """
        SELECT (SELECT count(*) FROM users),
               (SELECT count(DISTINCT c.user_id) FROM messages m JOIN conversations c ON c.conversation_id = m.conversation_id
                 WHERE m.created_at >= @start AND m.created_at < @end),
               (SELECT count(*) FROM conversations WHERE created_at >= @start AND created_at < @end),
               (SELECT count(*) FROM messages WHERE created_at >= @start AND created_at < @end),
               (SELECT coalesce(sum(tokens_used), 0) FROM messages WHERE created_at >= @start AND created_at < @end);

        SELECT d::date, count(m.message_id), coalesce(sum(m.tokens_used), 0)
          FROM generate_series(@from::date, @to::date, interval '1 day') AS d
          LEFT JOIN messages m ON m.created_at >= @start AND m.created_at < @end
                              AND (m.created_at AT TIME ZONE @tz)::date = d::date
         GROUP BY d ORDER BY d;

        SELECT k.mode, count(m.message_id), coalesce(sum(m.tokens_used), 0)
          FROM unnest(ARRAY['flash', 'code', 'redaction']) WITH ORDINALITY AS k(mode, ord)
          LEFT JOIN messages m ON m.mode = k.mode AND m.created_at >= @start AND m.created_at < @end
         GROUP BY k.mode, k.ord ORDER BY k.ord;

        SELECT u.user_id, u.username, count(m.message_id) AS messages, coalesce(sum(m.tokens_used), 0) AS tokens
          FROM messages m
          JOIN conversations c ON c.conversation_id = m.conversation_id
          JOIN users u ON u.user_id = c.user_id
         WHERE m.created_at >= @start AND m.created_at < @end
         GROUP BY u.user_id, u.username
         ORDER BY tokens DESC, messages DESC, u.user_id
         LIMIT 10;

        SELECT u.user_id, u.username,
               CASE WHEN t.month = @month THEN t.used_tokens ELSE 0 END,
               coalesce(t.quota_tokens, @default_quota)
          FROM users u
          LEFT JOIN LATERAL (SELECT month, used_tokens, quota_tokens FROM user_token_usage
                              WHERE user_id = u.user_id AND month <= @month ORDER BY month DESC LIMIT 1) t ON true
         ORDER BY u.username;
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
        await SqlBatch.RunAsync(db, Sql, parameters, async reader =>
        {
            await reader.ReadAsync(cancellationToken);
            totals = new AnalyticsTotals(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                byDay.Add(new DayFigures(reader.GetFieldValue<DateOnly>(0), reader.GetInt64(1), reader.GetInt64(2)));
            }

            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                byMode.Add(new ModeFigures(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
            }

            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                top.Add(new TopUser(reader.GetInt32(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3)));
            }

            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                quotas.Add(new UserQuota(reader.GetInt32(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3)));
            }
        }, cancellationToken);

        return new AnalyticsResponse(new AnalyticsPeriod(from, to), totals, byDay, byMode, top, quotas);
    }
}
