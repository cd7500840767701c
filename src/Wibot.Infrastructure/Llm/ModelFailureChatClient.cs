using System.ClientModel;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Anthropic.Exceptions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Wibot.Application.Common.Exceptions;

namespace Wibot.Infrastructure.Llm;

/// <summary>
/// Turns every provider failure (SDK exceptions, HTTP errors, unreadable answers) into a
/// <see cref="LanguageModelException"/> with a clear French message; no SDK type leaks out.
/// </summary>
internal sealed partial class ModelFailureChatClient(IChatClient inner, ILogger<ModelFailureChatClient> logger) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await base.GetResponseAsync(messages, options, cancellationToken);
        }
        catch (Exception ex) when (Translate(ex, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var e = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                try
                {
                    if (!await e.MoveNextAsync())
                    {
                        yield break;
                    }
                }
                catch (Exception ex) when (Translate(ex, cancellationToken) is { } translated)
                {
                    throw translated;
                }

                yield return e.Current;
            }
        }
        finally
        {
            await e.DisposeAsync();
        }
    }

    private LanguageModelException? Translate(Exception ex, CancellationToken cancellationToken)
    {
        if (ex is LanguageModelException || (ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            return null;
        }

        var status = ex switch
        {
            AnthropicApiException api => (int)api.StatusCode,
            ClientResultException result => result.Status,
            HttpRequestException { StatusCode: { } code } => (int)code,
            _ => 0,
        };
        var failure = ex switch
        {
            _ when status is 429 or 529 or 503 or 500 => LanguageModelFailure.Unavailable,
            _ when status is 504 or 408 => LanguageModelFailure.Timeout,
            TimeoutException or OperationCanceledException or Polly.Timeout.TimeoutRejectedException => LanguageModelFailure.Timeout,
            Polly.CircuitBreaker.BrokenCircuitException => LanguageModelFailure.Unavailable,
            AnthropicIOException or HttpRequestException { StatusCode: null } => LanguageModelFailure.Unavailable,
            _ => LanguageModelFailure.BadGateway,
        };
        LogFailure(logger, failure.ToString(), status, ex.GetType().Name);
        var message = failure switch
        {
            LanguageModelFailure.Unavailable => "Le modèle de langage est momentanément indisponible (surcharge ou limite de débit). Votre message est conservé ; réessayez dans un instant.",
            LanguageModelFailure.Timeout => "Le modèle de langage n'a pas répondu à temps. Votre message est conservé ; réessayez.",
            _ => ex is JsonException or AnthropicInvalidDataException
                ? "Le modèle de langage a renvoyé une réponse illisible. Votre message est conservé ; réessayez."
                : "Le modèle de langage a renvoyé une erreur. Votre message est conservé ; réessayez.",
        };
        return new LanguageModelException(failure, message, ex);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Language model call failed: {Failure} (HTTP {Status}, {ExceptionType})")]
    private static partial void LogFailure(ILogger logger, string failure, int status, string exceptionType);
}
