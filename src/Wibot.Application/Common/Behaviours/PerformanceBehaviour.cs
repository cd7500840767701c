using System.Diagnostics;
using Mediator;
using Microsoft.Extensions.Logging;

namespace Wibot.Application.Common.Behaviours;

/// <summary>Logs each message's type and duration at debug level, and slow ones as warnings.</summary>
public sealed partial class PerformanceBehaviour<TMessage, TResponse>(ILogger<PerformanceBehaviour<TMessage, TResponse>> logger)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    private static readonly TimeSpan SlowThreshold = TimeSpan.FromMilliseconds(500);

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var response = await next(message, cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (elapsed > SlowThreshold)
        {
            LogSlow(logger, typeof(TMessage).Name, (long)elapsed.TotalMilliseconds);
        }
        else if (logger.IsEnabled(LogLevel.Debug))
        {
            LogHandled(logger, typeof(TMessage).Name, elapsed.TotalMilliseconds);
        }

        return response;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slow request {MessageType}: {ElapsedMs} ms")]
    private static partial void LogSlow(ILogger logger, string messageType, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Handled {MessageType} in {ElapsedMs:0.0} ms")]
    private static partial void LogHandled(ILogger logger, string messageType, double elapsedMs);
}
