using Mediator;
using Wibot.Application.Common.Interfaces;
using Wibot.Domain.Conversations;

namespace Wibot.Application.Chat.SendChatMessage;

public sealed record SendChatMessageCommand(int UserId, string Message, ChatMode Mode, Guid? ConversationId, IReadOnlyList<ChatAttachment> Attachments)
    : ICommand<ChatTurnResponse>, IChatTurnCommand
{
    // Holds a user's prompt and files: never printed.
    public override string ToString() => $"SendChatMessageCommand {{ UserId = {UserId}, Mode = {Mode}, Attachments = {Attachments.Count} }}";
}

public sealed record ChatTurnResponse(string Response, Guid ConversationId, Guid MessageId, long TokensUsed, long TokensRemaining, IReadOnlyList<ChatSource> Sources);

public sealed class SendChatMessageValidator : ChatTurnValidator<SendChatMessageCommand>;

public sealed class SendChatMessageHandler(ChatTurnService turns, ModelCall model) : ICommandHandler<SendChatMessageCommand, ChatTurnResponse>
{
    public async ValueTask<ChatTurnResponse> Handle(SendChatMessageCommand command, CancellationToken cancellationToken)
    {
        var turn = await turns.PrepareAsync(command, cancellationToken);
        Microsoft.Extensions.AI.ChatResponse response;
        try
        {
            response = await model.AnswerAsync(turn);
        }
        catch
        {
            // A failed model call charges nothing; the user's message stays.
            await turns.AbandonAsync(turn);
            throw;
        }

        var text = response.Text;
        var completion = await turns.CompleteAsync(turn, text, response.Usage?.InputTokenCount, response.Usage?.OutputTokenCount, CancellationToken.None);
        return new ChatTurnResponse(text, turn.ConversationId, completion.MessageId, completion.TokensUsed, completion.TokensRemaining, turn.Sources);
    }
}
