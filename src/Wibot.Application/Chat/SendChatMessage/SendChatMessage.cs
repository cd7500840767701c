using Mediator;
using Microsoft.Extensions.AI;
using Wibot.Application.Common.Interfaces;
using Wibot.Domain.Conversations;

namespace Wibot.Application.Chat.SendChatMessage;

public sealed record SendChatMessageCommand(int UserId, string Message, ChatMode Mode, Guid? ConversationId, IReadOnlyList<ChatAttachment> Attachments)
    : ICommand<ChatTurnResponse>, IChatTurnCommand
{
    // Holds a user's prompt and files: never printed.
    public override string ToString() => $"SendChatMessageCommand {{ UserId = {UserId}, Mode = {Mode}, Attachments = {Attachments.Count} }}";
}

public sealed record ChatTurnResponse(string Response, Guid ConversationId, Guid MessageId, long TokensUsed, long TokensRemaining, IReadOnlyList<ChatSource> Sources, IReadOnlyList<ChatToolCallDto> ToolCalls);

public sealed class SendChatMessageValidator : ChatTurnValidator<SendChatMessageCommand>;

public sealed class SendChatMessageHandler(ChatTurnService turns, ModelCall model, ChatTools tools) : ICommandHandler<SendChatMessageCommand, ChatTurnResponse>
{
    public async ValueTask<ChatTurnResponse> Handle(SendChatMessageCommand command, CancellationToken cancellationToken)
    {
        var turn = await turns.PrepareAsync(command, cancellationToken);
        var text = new System.Text.StringBuilder();
        long? input = null, output = null;
        var calls = new List<ChatToolCallDto>();
        try
        {
            await tools.OfferAsync(turn, cancellationToken);
            for (var round = 0; ; round++)
            {
                var response = await model.AnswerAsync(turn);
                input = Add(input, response.Usage?.InputTokenCount);
                output = Add(output, response.Usage?.OutputTokenCount);
                text.Append(response.Text);
                var asked = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
                if (asked.Count == 0 || round == ChatTools.MaxRounds)
                {
                    break;
                }

                var outcome = await tools.HandleAsync(turn, command.UserId, asked, response.Text.Length > 0 ? response.Text : command.Message, cancellationToken);
                calls.AddRange(outcome.Calls.Select(c => ChatTools.ToDto(c)));
                if (outcome.Pending.Count > 0)
                {
                    text.Append(text.Length == 0 ? string.Empty : "\n\n").Append(ChatTools.PendingText(outcome.Pending));
                    break;
                }

                turn.Append(response.Messages);
                turn.Append([new ChatMessage(ChatRole.Tool, [.. outcome.Results])]);
            }
        }
        catch
        {
            // A failed model call charges nothing; the user's message stays.
            await turns.AbandonAsync(turn);
            throw;
        }

        var answer = text.ToString();
        var completion = await turns.CompleteAsync(turn, answer, input, output, CancellationToken.None);
        return new ChatTurnResponse(answer, turn.ConversationId, completion.MessageId, completion.TokensUsed, completion.TokensRemaining, turn.Sources, calls);
    }

    private static long? Add(long? total, long? more) => more is null ? total : (total ?? 0) + more;
}
