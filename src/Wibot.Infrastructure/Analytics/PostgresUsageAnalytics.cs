using System.Globalization;
using Microsoft.Extensions.Options;
using Wibot.Application.Analytics.GetAnalytics;
using Wibot.Application.Analytics.GetLegacyStats;
using Wibot.Application.Common.Interfaces;
using Wibot.Application.Common.Options;
using Wibot.Domain.Tokens;
using Wibot.Infrastructure.Persistence;

namespace Wibot.Infrastructure.Analytics;

/// <summary>
/// Usage figures computed by PostgreSQL, each answer in one round trip that reads the period's messages
/// once. The quota column applies the rollover rule of <see cref="MonthlyTokenUsage.Open"/> (the latest
/// month at or before the period's, or the default quota when the user has none).
/// </summary>
internal sealed class PostgresUsageAnalytics(WibotDbContext db, QuotaCalendar calendar, IOptions<QuotaOptions> options) : IUsageAnalytics
{
    private const string PeriodSql = """
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

    private const string LegacySql = """
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

    public async Task<AnalyticsResponse> ForPeriodAsync(DateOnly firstDay, DateOnly lastDay, CancellationToken ct)
    {
        var (from, to) = (firstDay, lastDay);
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
        await SqlBatch.RunAsync(db, PeriodSql, parameters, async reader =>
        {
            await reader.ReadAsync(ct);
            totals = new AnalyticsTotals(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
            foreach (var row in Rows(reader, 5))
            {
                byDay.Add(new DayFigures(DateOnly.Parse(row[0].GetString()!, CultureInfo.InvariantCulture), row[1].GetInt64(), row[2].GetInt64()));
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
        }, ct);

        return new AnalyticsResponse(new AnalyticsPeriod(from, to), totals, byDay, byMode, top, quotas);
    }

    public async Task<LegacyStats> LegacyWindowAsync(int days, DateTimeOffset now, CancellationToken ct)
    {
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
        await SqlBatch.RunAsync(db, LegacySql, parameters, async reader =>
        {
            await reader.ReadAsync(ct);
            used = reader.GetInt64(0);
            quota = reader.GetInt64(1);
            await reader.NextResultAsync(ct);
            await reader.ReadAsync(ct);
            for (var i = 0; i < counts.Length; i++)
            {
                counts[i] = reader.GetInt64(i);
            }

            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                byDay.Add(new LegacyDay(reader.GetFieldValue<DateOnly>(0).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), reader.GetInt64(1), reader.GetInt64(2)));
            }
        }, ct);

        var percentage = quota == 0 ? 0 : (long)Math.Round(used * 100.0 / quota, MidpointRounding.AwayFromZero);
        return new LegacyStats(
            new LegacyTokens(used, quota, percentage),
            new LegacyMessages(counts[0], counts[1], byDay),
            new LegacyModes(counts[2], counts[3], counts[4]),
            new LegacyConversations(counts[5], counts[6]),
            new LegacyUsers(counts[7]),
            new LegacyFiles(counts[8], counts[9]),
            new LegacyRag(counts[10]));
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
