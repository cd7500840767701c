using System.Runtime.CompilerServices;
using System.Text;
using Mediator;
using Microsoft.Extensions.AI;
using Wibot.Application.Common.Exceptions;
using Wibot.Application.Common.Interfaces;
using Wibot.Domain.Conversations;

namespace Wibot.Application.Chat.StreamChatMessage;

/// <summary>The chat turn as a stream of events (Server-Sent Events on the wire).</summary>
public sealed record StreamChatMessageCommand(int UserId, string Message, ChatMode Mode, Guid? ConversationId, IReadOnlyList<ChatAttachment> Attachments)
    : IStreamCommand<ChatStreamEvent>, IChatTurnCommand
{
    public override string ToString() => $"StreamChatMessageCommand {{ UserId = {UserId}, Mode = {Mode}, Attachments = {Attachments.Count} }}";
}

/// <summary>Run by the stream validation behaviour before the first event.</summary>
public sealed class StreamChatMessageValidator : ChatTurnValidator<StreamChatMessageCommand>;

public abstract record ChatStreamEvent([property: System.Text.Json.Serialization.JsonIgnore] string Name);

public sealed record ChatMetaEvent(Guid ConversationId, Guid MessageId) : ChatStreamEvent("meta");

public sealed record ChatDeltaEvent(string Text) : ChatStreamEvent("delta");

public sealed record ChatSourcesEvent(IReadOnlyList<ChatSource> Sources) : ChatStreamEvent("sources");

public sealed record ChatDoneEvent(long TokensUsed, long TokensRemaining, Guid MessageId) : ChatStreamEvent("done");

public sealed record ChatErrorEvent(int Status, string Title, string Detail) : ChatStreamEvent("error")
{
    public static ChatErrorEvent From(Exception ex) => ex switch
    {
        LanguageModelException { Failure: LanguageModelFailure.Timeout } m => new(504, "Délai dépassé.", m.Message),
        LanguageModelException { Failure: LanguageModelFailure.Unavailable } m => new(503, "Modèle indisponible.", m.Message),
        LanguageModelException m => new(502, "Erreur du modèle.", m.Message),
        _ => new(500, "Erreur interne.", "La réponse n'a pas pu être produite. Votre message est conservé."),
    };
}

public sealed class StreamChatMessageHandler(ChatTurnService turns, ModelCall model)
    : IStreamCommandHandler<StreamChatMessageCommand, ChatStreamEvent>
{
    public async IAsyncEnumerable<ChatStreamEvent> Handle(StreamChatMessageCommand command, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var turn = await turns.PrepareAsync(command, cancellationToken);
        var settled = false;
        var text = new StringBuilder();
        long? input = null, output = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var updates = model.Stream(turn, timeout);
        try
        {
            yield return new ChatMetaEvent(turn.ConversationId, turn.AnswerId);
            Exception? failure = null;
            var completed = false;
            while (true)
            {
                ChatResponseUpdate update;
                try
                {
                    if (!await updates.MoveNextAsync())
                    {
                        completed = true;
                        break;
                    }

                    update = updates.Current;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    break; // the client went away: the finally block keeps what was streamed
                }
                catch (OperationCanceledException ex) when (timeout.IsCancellationRequested)
                {
                    failure = ModelCall.TimedOut(ex);
                    break;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    failure = ex;
                    break;
                }

                foreach (var usage in update.Contents.OfType<UsageContent>())
                {
                    input = usage.Details.InputTokenCount ?? input;
                    output = usage.Details.OutputTokenCount ?? output;
                }

                var delta = update.Text;
                if (!string.IsNullOrEmpty(delta))
                {
                    text.Append(delta);
                    yield return new ChatDeltaEvent(delta);
                }
            }

            if (completed)
            {
                settled = true;
                var completion = await turns.CompleteAsync(turn, text.ToString(), input, output, CancellationToken.None);
                yield return new ChatSourcesEvent(turn.Sources);
                yield return new ChatDoneEvent(completion.TokensUsed, completion.TokensRemaining, completion.MessageId);
            }
            else if (failure is not null)
            {
                // A failed model call charges nothing; the user's message stays.
                settled = true;
                await turns.AbandonAsync(turn);
                yield return ChatErrorEvent.From(failure);
            }
        }
        finally
        {
            await updates.DisposeAsync();
            if (!settled)
            {
                // Disconnected mid-stream: keep the partial answer and charge what was really used.
                if (text.Length > 0 || input is not null)
                {
                    await turns.CompleteAsync(turn, text.ToString(), input, output, CancellationToken.None);
                }
                else
                {
                    await turns.AbandonAsync(turn);
                }
            }
        }
    }
}
