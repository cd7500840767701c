using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Wibot.Application.Common.Exceptions;
using Wibot.Application.Common.Interfaces;
using Wibot.Domain.Conversations;

namespace Wibot.Application.Conversations.RenameConversation;

public sealed record RenameConversationCommand(int UserId, Guid ConversationId, string Title) : ICommand<ConversationDto>;

public sealed class RenameConversationValidator : AbstractValidator<RenameConversationCommand>
{
    public RenameConversationValidator()
    {
        RuleFor(x => x.ConversationId).NotEmpty();
        RuleFor(x => x.Title).NotEmpty().Must(t => !string.IsNullOrWhiteSpace(t)).WithMessage("The title cannot be blank.")
            .MaximumLength(Conversation.TitleMaxLength);
    }
}

public sealed class RenameConversationHandler(IWibotDbContext db, TimeProvider clock) : ICommandHandler<RenameConversationCommand, ConversationDto>
{
    public async ValueTask<ConversationDto> Handle(RenameConversationCommand command, CancellationToken cancellationToken)
    {
        var conversation = await db.Conversations.FirstOrDefaultAsync(c => c.Id == command.ConversationId && c.UserId == command.UserId, cancellationToken)
            ?? throw new NotFoundException("Conversation");
        var now = clock.GetUtcNow();
        conversation.Rename(command.Title, now);
        await db.SaveConversationAsync(c => c.Rename(command.Title, now), cancellationToken);
        return new ConversationDto(conversation.Id, conversation.Title, conversation.CreatedAt, conversation.UpdatedAt, conversation.MessageCount);
    }
}
