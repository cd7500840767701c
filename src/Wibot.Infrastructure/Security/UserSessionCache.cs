using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Npgsql;
using Wibot.Application.Common.Interfaces;
using Wibot.Application.Common.Options;

namespace Wibot.Infrastructure.Security;

/// <summary>
/// Checks that a token's user still exists, is active and has the security stamp the token was
/// issued with. Answers from memory for a few seconds; changes made through this instance
/// invalidate the entry at once.
/// </summary>
public sealed class UserSessionCache(NpgsqlDataSource dataSource, TimeProvider clock, IOptions<AuthOptions> options) : IUserSessionCache
{
    private readonly ConcurrentDictionary<int, Entry> _entries = new();
    private readonly TimeSpan _ttl = TimeSpan.FromSeconds(Math.Max(0, options.Value.SessionCacheSeconds));

    public void Invalidate(int userId) => _entries.TryRemove(userId, out _);

    public async ValueTask<bool> IsValidAsync(int userId, string? stamp, CancellationToken ct)
    {
        if (stamp is null || !Guid.TryParseExact(stamp, "N", out var expected))
        {
            return false;
        }

        var now = clock.GetTimestamp();
        var known = _entries.TryGetValue(userId, out var entry);
        if (!known || clock.GetElapsedTime(entry.ReadAt, now) > _ttl)
        {
            try
            {
                entry = await LoadAsync(userId, ct);
                _entries[userId] = entry;
            }
            catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
            {
                // The database is unreachable: a token is not "invalid" because of it (that would log the
                // client out). The last known state decides; with none, the request goes on and fails
                // with a 503 at its first database access.
                return !known || (entry.Exists && entry.IsActive && entry.Stamp == expected);
            }
        }

        return entry.Exists && entry.IsActive && entry.Stamp == expected;
    }

    private async Task<Entry> LoadAsync(int userId, CancellationToken ct)
    {
        var readAt = clock.GetTimestamp();
        await using var command = dataSource.CreateCommand("SELECT security_stamp, is_active FROM users WHERE user_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = userId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return new Entry(false, false, Guid.Empty, readAt);
        }

        return new Entry(true, reader.GetBoolean(1), reader.GetGuid(0), readAt);
    }

    private readonly record struct Entry(bool Exists, bool IsActive, Guid Stamp, long ReadAt);
}
