using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Wibot.Application.Common.Interfaces;
using Wibot.Application.Safeguard.RunToolCalls;

namespace Wibot.Infrastructure.Safeguard;

/// <summary>
/// Runs approved tool calls: at once when an approval is signalled (on whichever instance it was
/// taken: the signal is PostgreSQL's NOTIFY), and every few seconds for any that waits (a restart
/// between approval and execution, a missed signal). Every instance tries; the claim lets one run it.
/// </summary>
internal sealed partial class ToolCallRunner(IServiceScopeFactory scopes, ISafeguardSignals signals, ILogger<ToolCallRunner> logger) : BackgroundService
{
    private static readonly TimeSpan SweepPeriod = TimeSpan.FromSeconds(5);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ListenAsync(stoppingToken), SweepAsync(stoppingToken));

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var signal in signals.SubscribeAsync(stoppingToken).ConfigureAwait(false))
                {
                    // An approval runs the call; a rejection, an expiry or a finished execution continues the chat.
                    if (signal.Kind is "decided" or "expired" or "executed")
                    {
                        _ = RunAsync(signal.RequestId, stoppingToken);
                    }
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task SweepAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SweepPeriod);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            await RunAsync(null, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task RunAsync(string? requestId, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var ran = await scope.ServiceProvider.GetRequiredService<ISender>().Send(new RunToolCallsCommand(requestId), stoppingToken).ConfigureAwait(false);
            if (ran > 0)
            {
                LogRan(logger, ran);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ran {Count} approved tool calls")]
    private static partial void LogRan(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Running approved tool calls failed; the sweep tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
