using Mediator;
using Microsoft.Extensions.Logging;

namespace Wibot.Application.Common.Behaviours;

/// <summary>Outermost behaviour: logs a failure with the message's type name only (never its body).</summary>
public sealed partial class UnhandledExceptionBehaviour<TMessage, TResponse>(ILogger<UnhandledExceptionBehaviour<TMessage, TResponse>> logger)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        try
        {
            return await next(message, cancellationToken);
        }
        catch (Exception ex) when (IsUnexpected(ex) && !cancellationToken.IsCancellationRequested)
        {
            LogFailure(logger, typeof(TMessage).Name, ex);
            throw;
        }
    }

    private static bool IsUnexpected(Exception ex) =>
        ex is not FluentValidation.ValidationException
            and not Exceptions.NotFoundException
            and not Exceptions.ForbiddenException
            and not Exceptions.AuthenticationFailedException
            and not Exceptions.TooManyRequestsException
            and not Exceptions.ConflictException
            and not Exceptions.AttachmentRejectedException
            and not Exceptions.LanguageModelException
            and not Domain.Common.DomainRuleViolationException;

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {MessageType} failed")]
    private static partial void LogFailure(ILogger logger, string messageType, Exception exception);
}
