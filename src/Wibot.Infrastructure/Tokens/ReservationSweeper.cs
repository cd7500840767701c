using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Wibot.Infrastructure.Persistence;

namespace Wibot.Infrastructure.Tokens;

/// <summary>
/// Frees token reservations whose request can no longer be running (its instance crashed or was
/// stopped mid-turn): any instance may free an expired reservation, none frees a live one.
/// </summary>
internal sealed partial class ReservationSweeper(IServiceScopeFactory scopes, ILogger<ReservationSweeper> logger) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromMinutes(1);

    public static async Task<int> FreeExpiredAsync(WibotDbContext db, CancellationToken ct) =>
        await db.Database.ExecuteSqlRawAsync(
            """
            WITH expired AS (DELETE FROM token_reservations WHERE expires_at < now() RETURNING usage_id, amount),
                 per_row AS (SELECT usage_id, SUM(amount) AS amount FROM expired GROUP BY usage_id)
            UPDATE user_token_usage u SET reserved_tokens = GREATEST(u.reserved_tokens - per_row.amount, 0)
              FROM per_row WHERE u.usage_id = per_row.usage_id
            """,
            ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var freed = await FreeExpiredAsync(scope.ServiceProvider.GetRequiredService<WibotDbContext>(), stoppingToken);
                if (freed > 0)
                {
                    LogFreed(logger, freed);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSweepFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Freed the expired token reservations of {Count} usage rows")]
    private static partial void LogFreed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Token reservation sweep failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
