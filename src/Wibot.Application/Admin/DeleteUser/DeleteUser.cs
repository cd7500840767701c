using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Wibot.Application.Common.Exceptions;
using Wibot.Application.Common.Interfaces;
using Wibot.Domain.Audit;
using Wibot.Domain.Users;

namespace Wibot.Application.Admin.DeleteUser;

public sealed record DeleteUserCommand(int ActorId, int UserId, string? ClientAddress) : ICommand<Unit>;

public sealed class DeleteUserValidator : AbstractValidator<DeleteUserCommand>
{
    public DeleteUserValidator() => RuleFor(x => x.UserId).GreaterThan(0);
}

public sealed class DeleteUserHandler(IWibotDbContext db, TimeProvider clock) : ICommandHandler<DeleteUserCommand, Unit>
{
    public async ValueTask<Unit> Handle(DeleteUserCommand command, CancellationToken cancellationToken)
    {
        await using var change = await AdminChange.BeginAsync(db, command.ActorId, command.UserId, cancellationToken);
        var (target, actor) = (change.Target, change.Actor);
        AdminPolicy.CheckDelete(actor, target, change.ActiveAdmins);

        // Conversations, messages and usage rows go with the user (ON DELETE CASCADE).
        db.Users.Remove(target);
        db.AuditEntries.Add(AuditEntry.Record(AuditActions.UserDeleted, clock.GetUtcNow(), actor.Id, actor.Username, target.Username, true,
            AuditSnapshot.Diff(AuditSnapshot.Of(target), null), command.ClientAddress));
        await db.SaveChangesAsync(cancellationToken);
        await change.Transaction.CommitAsync(cancellationToken);
        return Unit.Value;
    }
}
