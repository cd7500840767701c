using FluentValidation;
using Mediator;
using Wibot.Application.Common.Interfaces;
using Wibot.Domain.Conversations;

namespace Wibot.Application.Conversations.CreateConversation;

public sealed record CreateConversationCommand(int UserId, string? Title) : ICommand<ConversationDto>;

public sealed class CreateConversationValidator : AbstractValidator<CreateConversationCommand>
{
    public CreateConversationValidator() => RuleFor(x => x.Title).MaximumLength(Conversation.TitleMaxLength);
}

public sealed class CreateConversationHandler(IWibotDbContext db, TimeProvider clock) : ICommandHandler<CreateConversationCommand, ConversationDto>
{
    public async ValueTask<ConversationDto> Handle(CreateConversationCommand command, CancellationToken cancellationToken)
    {
        var conversation = Conversation.Start(command.UserId, command.Title, clock.GetUtcNow());
        db.Conversations.Add(conversation);
        await db.SaveChangesAsync(cancellationToken);
        return new ConversationDto(conversation.Id, conversation.Title, conversation.CreatedAt, conversation.UpdatedAt, 0);
    }
}
