using Microsoft.Extensions.Options;
using Npgsql;
using Wibot.Application.Common.Interfaces;
using Wibot.Application.Common.Options;

namespace Wibot.Infrastructure.Security;

/// <summary>
/// The login throttle over the <c>login_failures</c> table: one batch per attempt, serialised per
/// username by a transaction-scoped advisory lock, that counts the recent failures and, when the
/// limits allow, records the attempt as a failure before the password is checked (a success deletes
/// it). Refused attempts are recorded apart (<c>throttled</c>) and never count as failures, so a
/// locked-out attacker cannot extend the lock by hammering it.
/// </summary>
public sealed class PostgresLoginThrottle(NpgsqlDataSource dataSource, IOptions<AuthOptions> options) : ILoginThrottle
{
    // $1 username key, $2 address, $3 window start, $4 now, $5 cap per address towards the username,
    // $6 pair limit, $7 username limit, $8 address limit.
    private const string LockSql = "SELECT pg_advisory_xact_lock(hashtext('login:' || $1))";

    private const string BeginSql = """
        WITH recent AS (
            SELECT client_address, count(*) FILTER (WHERE NOT throttled) AS failures, count(*) FILTER (WHERE throttled) AS refused,
                   min(failed_at) FILTER (WHERE NOT throttled) AS oldest
              FROM login_failures WHERE username_key = $1 AND failed_at > $3 AND failed_at <= $4 GROUP BY client_address),
        by_address AS (
            SELECT count(*) AS failures, min(failed_at) AS oldest FROM login_failures
             WHERE $2::text IS NOT NULL AND client_address = $2 AND NOT throttled AND failed_at > $3 AND failed_at <= $4),
        verdict AS (
            SELECT COALESCE((SELECT failures FROM recent WHERE client_address IS NOT DISTINCT FROM $2), 0) AS pair,
                   COALESCE((SELECT refused FROM recent WHERE client_address IS NOT DISTINCT FROM $2), 0) AS refused,
                   COALESCE((SELECT sum(LEAST(failures, $5)) FROM recent), 0) AS spread,
                   (SELECT failures FROM by_address) AS address,
                   (SELECT oldest FROM recent WHERE client_address IS NOT DISTINCT FROM $2) AS pair_oldest,
                   (SELECT min(oldest) FROM recent) AS user_oldest,
                   (SELECT oldest FROM by_address) AS address_oldest),
        added AS (
            INSERT INTO login_failures (username_key, client_address, failed_at, throttled)
            SELECT $1, $2, $4, NOT (pair < $6 AND spread < $7 AND address < $8) FROM verdict
            RETURNING id, throttled)
        SELECT v.pair, v.refused, v.spread, v.address, v.pair_oldest, v.user_oldest, v.address_oldest, a.id, a.throttled
          FROM verdict v, added a
        """;

    private readonly AuthOptions _o = options.Value;
    private int _attemptsSincePrune;

    public async ValueTask<LoginAttempt> BeginAsync(string username, string? clientAddress, DateTimeOffset now, CancellationToken ct)
    {
        var window = TimeSpan.FromMinutes(_o.WindowMinutes);
        var key = Key(username);
        // One batch, so one implicit transaction: the lock is held until the attempt is recorded.
        await using var batch = dataSource.CreateBatch();
        var lockCommand = new NpgsqlBatchCommand(LockSql);
        lockCommand.Parameters.Add(new NpgsqlParameter { Value = key });
        batch.BatchCommands.Add(lockCommand);
        var command = new NpgsqlBatchCommand(BeginSql);
        batch.BatchCommands.Add(command);
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)clientAddress ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (now - window).UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter { Value = (long)Math.Max(1, _o.MaxFailuresPerUsername / 2) });
        command.Parameters.Add(new NpgsqlParameter { Value = (long)_o.MaxFailuresPerUsername });
        command.Parameters.Add(new NpgsqlParameter { Value = (long)_o.MaxFailuresPerUsername });
        command.Parameters.Add(new NpgsqlParameter { Value = (long)_o.MaxFailuresPerAddress });
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.NextResultAsync(ct); // past the lock
        await reader.ReadAsync(ct);
        var pair = reader.GetInt64(0);
        var refused = reader.GetInt64(1);
        var id = reader.GetInt64(7);
        TimeSpan? wait = null;
        if (reader.GetBoolean(8))
        {
            var oldest = new[]
            {
                pair >= _o.MaxFailuresPerUsername ? Oldest(reader, 4) : null,
                reader.GetInt64(2) >= _o.MaxFailuresPerUsername ? Oldest(reader, 5) : null,
                reader.GetInt64(3) >= _o.MaxFailuresPerAddress ? Oldest(reader, 6) : null,
            };
            wait = oldest.Where(o => o is not null).Select(o => Wait(o!.Value, now, window)).DefaultIfEmpty(TimeSpan.FromSeconds(1)).Max();
        }

        await reader.DisposeAsync();
        await PruneNowAndThenAsync(now - window, ct);
        return new LoginAttempt(key, clientAddress, wait is null ? id : null, pair, wait, refused);
    }

    public TimeSpan DelayAfterFailure(LoginAttempt attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var over = attempt.FailuresBefore + 1 - _o.FreeFailures;
        return over <= 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Math.Min(_o.MaxDelayMs, over * _o.DelayStepMs));
    }

    public async ValueTask SucceededAsync(LoginAttempt attempt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        await using var command = dataSource.CreateCommand(
            "DELETE FROM login_failures WHERE username_key = $1 AND client_address IS NOT DISTINCT FROM $2 AND NOT throttled");
        command.Parameters.Add(new NpgsqlParameter { Value = Key(attempt.Username) });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)attempt.ClientAddress ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task PruneNowAndThenAsync(DateTimeOffset before, CancellationToken ct)
    {
        if (Interlocked.Increment(ref _attemptsSincePrune) % 500 == 0)
        {
            await using var prune = dataSource.CreateCommand("DELETE FROM login_failures WHERE failed_at <= $1");
            prune.Parameters.Add(new NpgsqlParameter { Value = before.UtcDateTime });
            await prune.ExecuteNonQueryAsync(ct);
        }
    }

    private static DateTimeOffset? Oldest(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);

    private static string Key(string username) => username.ToLowerInvariant();

    private static TimeSpan Wait(DateTimeOffset oldest, DateTimeOffset now, TimeSpan window)
    {
        var wait = oldest + window - now;
        return wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait;
    }
}
