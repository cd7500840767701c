using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Wibot.Application.Common.Exceptions;
using Wibot.Application.Common.Options;

namespace Wibot.Application.Chat;

/// <summary>
/// The one way a turn calls the model, for the JSON answer and the stream alike: the overall timeout
/// (<c>Llm:TimeoutSeconds</c>), and a timeout reported as a <see cref="LanguageModelException"/>.
/// </summary>
public sealed class ModelCall(IChatClient chat, IOptions<LlmOptions> llm)
{
    public const string TimeoutMessage = "Le modèle de langage n'a pas répondu à temps. Votre message est conservé ; réessayez.";

    private TimeSpan Timeout => TimeSpan.FromSeconds(Math.Max(1, llm.Value.TimeoutSeconds));

    /// <summary>The whole answer. It is produced and kept even if the client goes away: the provider bills it anyway.</summary>
    public async Task<ChatResponse> AnswerAsync(ChatTurn turn)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            return await chat.GetResponseAsync(turn.Prompt, turn.Options, timeout.Token);
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested)
        {
            throw TimedOut(ex);
        }
    }

    /// <summary>The answer as it comes; <paramref name="timeout"/> is linked to the caller's token and cancelled past the overall timeout.</summary>
    public IAsyncEnumerator<ChatResponseUpdate> Stream(ChatTurn turn, CancellationTokenSource timeout)
    {
        ArgumentNullException.ThrowIfNull(timeout);
        timeout.CancelAfter(Timeout);
        return chat.GetStreamingResponseAsync(turn.Prompt, turn.Options, timeout.Token).GetAsyncEnumerator(timeout.Token);
    }

    public static LanguageModelException TimedOut(Exception inner) => new(LanguageModelFailure.Timeout, TimeoutMessage, inner);
}
