using Mediator;
using Microsoft.EntityFrameworkCore;
using Wibot.Application.Common.Interfaces;

namespace Wibot.Application.Conversations.DeleteConversation;

/// <summary>Deletes the caller's conversation and its messages; answers false when there is none of theirs.</summary>
public sealed record DeleteConversationCommand(int UserId, Guid ConversationId) : ICommand<bool>;

public sealed class DeleteConversationHandler(IWibotDbContext db) : ICommandHandler<DeleteConversationCommand, bool>
{
    public async ValueTask<bool> Handle(DeleteConversationCommand command, CancellationToken cancellationToken)
    {
        // Messages go with it through the ON DELETE CASCADE foreign key.
        var deleted = await db.Conversations
            .Where(c => c.Id == command.ConversationId && c.UserId == command.UserId)
            .ExecuteDeleteAsync(cancellationToken);
        return deleted > 0;
    }
}
