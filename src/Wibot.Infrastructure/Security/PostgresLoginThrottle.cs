using Microsoft.Extensions.Options;
using Npgsql;
using Wibot.Application.Common.Interfaces;
using Wibot.Application.Common.Options;

namespace Wibot.Infrastructure.Security;

/// <summary>
/// Counts recent login failures per username and per client address in a sliding window, in the
/// <c>login_failures</c> table: every instance on the database sees the same counts. One statement per
/// check; rows older than the window are pruned now and then.
/// </summary>
public sealed class PostgresLoginThrottle(NpgsqlDataSource dataSource, IOptions<AuthOptions> options) : ILoginThrottle
{
    private const string CountsSql = """
        SELECT count(*) FILTER (WHERE username_key = $1), min(failed_at) FILTER (WHERE username_key = $1),
               count(*) FILTER (WHERE client_address = $2), min(failed_at) FILTER (WHERE client_address = $2)
        FROM login_failures
        WHERE failed_at > $3 AND failed_at <= $4 AND (username_key = $1 OR client_address = $2)
        """;

    private const string RegisterSql = """
        WITH added AS (INSERT INTO login_failures (username_key, client_address, failed_at) VALUES ($1, $2, $4))
        SELECT count(*) FILTER (WHERE username_key = $1) + 1,
               count(*) FILTER (WHERE client_address = $2) + CASE WHEN $2::text IS NULL THEN 0 ELSE 1 END
        FROM login_failures
        WHERE failed_at > $3 AND failed_at <= $4 AND (username_key = $1 OR client_address = $2)
        """;

    private readonly AuthOptions _o = options.Value;
    private int _failuresSincePrune;

    public async ValueTask<TimeSpan?> RetryAfterAsync(string username, string? clientAddress, DateTimeOffset now, CancellationToken ct)
    {
        var window = TimeSpan.FromMinutes(_o.WindowMinutes);
        await using var command = Command(CountsSql, username, clientAddress, now - window, now);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        TimeSpan? wait = null;
        if (reader.GetInt64(0) >= _o.MaxFailuresPerUsername)
        {
            wait = Wait(reader.GetFieldValue<DateTimeOffset>(1), now, window);
        }

        if (reader.GetInt64(2) >= _o.MaxFailuresPerAddress)
        {
            var w = Wait(reader.GetFieldValue<DateTimeOffset>(3), now, window);
            wait = wait is null || w > wait ? w : wait;
        }

        return wait;
    }

    public async ValueTask<TimeSpan> RegisterFailureAsync(string username, string? clientAddress, DateTimeOffset now, CancellationToken ct)
    {
        var window = TimeSpan.FromMinutes(_o.WindowMinutes);
        long count;
        await using (var command = Command(RegisterSql, username, clientAddress, now - window, now))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            count = Math.Max(reader.GetInt64(0), reader.GetInt64(1));
        }

        if (Interlocked.Increment(ref _failuresSincePrune) % 500 == 0)
        {
            await using var prune = dataSource.CreateCommand("DELETE FROM login_failures WHERE failed_at <= $1");
            prune.Parameters.Add(new NpgsqlParameter { Value = (now - window).UtcDateTime });
            await prune.ExecuteNonQueryAsync(ct);
        }

        var over = count - _o.FreeFailures;
        return over <= 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Math.Min(_o.MaxDelayMs, over * _o.DelayStepMs));
    }

    public async ValueTask RegisterSuccessAsync(string username, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM login_failures WHERE username_key = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = Key(username) });
        await command.ExecuteNonQueryAsync(ct);
    }

    private NpgsqlCommand Command(string sql, string username, string? clientAddress, DateTimeOffset from, DateTimeOffset to)
    {
        var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = Key(username) });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)clientAddress ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = from.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter { Value = to.UtcDateTime });
        return command;
    }

    private static string Key(string username) => username.ToLowerInvariant();

    private static TimeSpan Wait(DateTimeOffset oldest, DateTimeOffset now, TimeSpan window)
    {
        var wait = oldest + window - now;
        return wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait;
    }
}
