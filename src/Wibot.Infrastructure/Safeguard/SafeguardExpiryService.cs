using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Wibot.Application.Common.Options;
using Wibot.Application.Safeguard.ExpireSafeguardRequests;

namespace Wibot.Infrastructure.Safeguard;

/// <summary>Marks expired Safeguard requests every few seconds (decisions never wait for it: expiry is also checked on read).</summary>
internal sealed partial class SafeguardExpiryService(IServiceScopeFactory scopes, IOptions<SafeguardOptions> options, ILogger<SafeguardExpiryService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, options.Value.ExpirySweepSeconds)));
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var expired = await scope.ServiceProvider.GetRequiredService<ISender>().Send(new ExpireSafeguardRequestsCommand(), stoppingToken);
                if (expired > 0)
                {
                    LogExpired(logger, expired);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSweepFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Marked {Count} Safeguard requests as expired")]
    private static partial void LogExpired(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Safeguard expiry sweep failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
