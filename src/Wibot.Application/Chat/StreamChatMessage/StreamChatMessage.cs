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

public sealed record ChatDoneEvent(long TokensUsed, long TokensRemaining, Guid MessageId, IReadOnlyList<ChatToolCallDto> ToolCalls) : ChatStreamEvent("done");

/// <summary>A tool call the model asked for: <c>running</c> (L0) or <c>pending_approval</c> (L1–L4, with its request); secret-looking arguments masked.</summary>
public sealed record ChatToolCallEvent(string CallId, string Server, string Tool, System.Text.Json.JsonElement Arguments, string Level, string Status, string? RequestId, DateTimeOffset? ExpiresAt)
    : ChatStreamEvent("tool_call");

/// <summary>What a call that ran (or was refused) gave, cut to a sensible length.</summary>
public sealed record ChatToolResultEvent(string CallId, string Status, string Content) : ChatStreamEvent("tool_result");

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

public sealed class StreamChatMessageHandler(ChatTurnService turns, ModelCall model, ChatTools tools)
    : IStreamCommandHandler<StreamChatMessageCommand, ChatStreamEvent>
{
    public async IAsyncEnumerable<ChatStreamEvent> Handle(StreamChatMessageCommand command, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var turn = await turns.PrepareAsync(command, cancellationToken);
        var settled = false;
        var text = new StringBuilder();
        long? input = null, output = null; // this round's usage, as the provider reports it
        long? closedInput = null, closedOutput = null; // the earlier rounds'
        var toolCalls = new List<ChatToolCallDto>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await tools.OfferAsync(turn, cancellationToken);
        var updates = model.Stream(turn, timeout);
        var round = 0;
        var roundUpdates = new List<ChatResponseUpdate>();
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

                roundUpdates.Add(update);
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

            // A round that asked for tools: run the L0 ones and stream again with their results, or end
            // the turn on a request awaiting approval (at most ChatTools.MaxRounds rounds).
            while (completed && round < ChatTools.MaxRounds)
            {
                var response = roundUpdates.ToChatResponse();
                var asked = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
                if (asked.Count == 0)
                {
                    break;
                }

                var outcome = await tools.HandleAsync(turn, command.UserId, asked, response.Text.Length > 0 ? response.Text : command.Message, cancellationToken);
                foreach (var call in outcome.Calls)
                {
                    var request = outcome.Pending.FirstOrDefault(r => r.Id == call.RequestNumber);
                    toolCalls.Add(ChatTools.ToDto(call));
                    yield return new ChatToolCallEvent(
                        call.CallId, call.Server, call.Tool, Safeguard.SafeguardViews.ParseArguments(call.Arguments, maskSecrets: true), call.Level.ToString(),
                        request is null ? "running" : "pending_approval", request?.RequestId, request?.ExpiresAt);
                    if (request is null)
                    {
                        yield return new ChatToolResultEvent(call.CallId, ChatTools.StatusName(call.Status), call.Result ?? string.Empty);
                    }
                }

                if (outcome.Pending.Count > 0)
                {
                    var pending = (text.Length == 0 ? string.Empty : "\n\n") + ChatTools.PendingText(outcome.Pending);
                    text.Append(pending);
                    yield return new ChatDeltaEvent(pending);
                    break;
                }

                turn.Append(response.Messages);
                turn.Append([new ChatMessage(ChatRole.Tool, [.. outcome.Results])]);
                await updates.DisposeAsync();
                updates = model.Stream(turn, timeout);
                roundUpdates.Clear();
                (closedInput, closedOutput, input, output) = (Add(closedInput, input), Add(closedOutput, output), null, null);
                round++;
                completed = false;
                while (true)
                {
                    ChatResponseUpdate next;
                    try
                    {
                        if (!await updates.MoveNextAsync())
                        {
                            completed = true;
                            break;
                        }

                        next = updates.Current;
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                    {
                        break;
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

                    roundUpdates.Add(next);
                    foreach (var usage in next.Contents.OfType<UsageContent>())
                    {
                        input = usage.Details.InputTokenCount ?? input;
                        output = usage.Details.OutputTokenCount ?? output;
                    }

                    if (!string.IsNullOrEmpty(next.Text))
                    {
                        text.Append(next.Text);
                        yield return new ChatDeltaEvent(next.Text);
                    }
                }
            }

            if (completed)
            {
                settled = true;
                var completion = await turns.CompleteAsync(turn, text.ToString(), Add(closedInput, input), Add(closedOutput, output), CancellationToken.None);
                yield return new ChatSourcesEvent(turn.Sources);
                yield return new ChatDoneEvent(completion.TokensUsed, completion.TokensRemaining, completion.MessageId, toolCalls);
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
                if (text.Length > 0 || input is not null || closedInput is not null)
                {
                    await turns.CompleteAsync(turn, text.ToString(), Add(closedInput, input), Add(closedOutput, output), CancellationToken.None);
                }
                else
                {
                    await turns.AbandonAsync(turn);
                }
            }
        }
    }

    private static long? Add(long? total, long? more) => more is null ? total : (total ?? 0) + more;
}
