using FluentValidation;
using Wibot.Application.Common.Interfaces;
using Wibot.Domain.Conversations;

namespace Wibot.Application.Chat;

/// <summary>What a chat turn asks, as the controller parsed it once (the mode is typed, not a string).</summary>
public interface IChatTurnCommand
{
    int UserId { get; }

    string Message { get; }

    ChatMode Mode { get; }

    Guid? ConversationId { get; }

    IReadOnlyList<ChatAttachment> Attachments { get; }
}

/// <summary>The rules of a chat turn, the same for the JSON answer and the stream (run by the validation behaviours).</summary>
public abstract class ChatTurnValidator<T> : AbstractValidator<T>
    where T : IChatTurnCommand
{
    public const int MaxMessageLength = 32_000;

    protected ChatTurnValidator()
    {
        RuleFor(x => x.Message).NotEmpty().Must(m => !string.IsNullOrWhiteSpace(m)).WithMessage("The message cannot be blank.")
            .MaximumLength(MaxMessageLength);
        RuleFor(x => x.Mode).IsInEnum().WithMessage("mode must be flash, code or redaction.");
        RuleFor(x => x.ConversationId).Must(id => id != Guid.Empty).When(x => x.ConversationId is not null).WithMessage("conversation_id cannot be the empty UUID.");
        RuleFor(x => x.Attachments.Count).LessThanOrEqualTo(10).OverridePropertyName("files");
    }
}
