using FluentValidation;
using Mediator;
using Microsoft.Extensions.AI;
using Wibot.Application.Common.Exceptions;
using Wibot.Application.Common.Interfaces;
using Wibot.Application.Common.Mapping;

namespace Wibot.Application.Chat.SendChatMessage;

public sealed record SendChatMessageCommand(int UserId, string Message, string? Mode, Guid? ConversationId, IReadOnlyList<ChatAttachment> Attachments)
    : ICommand<ChatResponse>
{
    // Holds a user's prompt and files: never printed.
    public override string ToString() => $"SendChatMessageCommand {{ UserId = {UserId}, Mode = {Mode}, Attachments = {Attachments.Count} }}";
}

public sealed record ChatResponse(string Response, Guid ConversationId, Guid MessageId, long TokensUsed, long TokensRemaining, IReadOnlyList<ChatSource> Sources);

public sealed class SendChatMessageValidator : AbstractValidator<SendChatMessageCommand>
{
    public const int MaxMessageLength = 32_000;

    public SendChatMessageValidator()
    {
        RuleFor(x => x.Message).NotEmpty().Must(m => !string.IsNullOrWhiteSpace(m)).WithMessage("The message cannot be blank.")
            .MaximumLength(MaxMessageLength);
        RuleFor(x => x.Mode).Must(m => m is null || WireNames.TryParseMode(m, out _)).WithMessage("mode must be flash, code or redaction.");
        RuleFor(x => x.ConversationId).Must(id => id != Guid.Empty).When(x => x.ConversationId is not null).WithMessage("conversation_id cannot be the empty UUID.");
        RuleFor(x => x.Attachments.Count).LessThanOrEqualTo(10).OverridePropertyName("files");
    }
}

public sealed class SendChatMessageHandler(ChatTurnService turns, IChatClient chat) : ICommandHandler<SendChatMessageCommand, ChatResponse>
{
    public async ValueTask<ChatResponse> Handle(SendChatMessageCommand command, CancellationToken cancellationToken)
    {
        var turn = await turns.PrepareAsync(command.UserId, command.Message, command.Mode, command.ConversationId, command.Attachments, cancellationToken);

        // The answer is produced and kept even if the client goes away: the provider bills it anyway.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Max(1, turns.Llm.TimeoutSeconds)));
        Microsoft.Extensions.AI.ChatResponse response;
        try
        {
            response = await chat.GetResponseAsync(turn.Prompt, turn.Options, timeout.Token);
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested)
        {
            await turns.AbandonAsync(turn);
            throw new LanguageModelException(LanguageModelFailure.Timeout, "Le modèle de langage n'a pas répondu à temps. Votre message est conservé ; réessayez.", ex);
        }
        catch
        {
            await turns.AbandonAsync(turn);
            throw;
        }

        var text = response.Text;
        var completion = await turns.CompleteAsync(turn, text, response.Usage?.InputTokenCount, response.Usage?.OutputTokenCount, CancellationToken.None);
        return new ChatResponse(text, turn.ConversationId, completion.MessageId, completion.TokensUsed, completion.TokensRemaining, turn.Sources);
    }
}
