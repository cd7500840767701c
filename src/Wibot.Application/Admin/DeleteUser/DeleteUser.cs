using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Wibot.Application.Admin.UpdateUser;
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
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.LockAsync(AdminLocks.Admins, cancellationToken);
        var target = await db.Users.FirstOrDefaultAsync(u => u.Id == command.UserId, cancellationToken)
            ?? throw new NotFoundException("User");
        var actor = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == command.ActorId, cancellationToken)
            ?? throw new ForbiddenException("Unknown administrator.");
        var activeAdmins = await db.Users.CountAsync(u => u.Role == UserRole.Admin && u.IsActive, cancellationToken);
        AdminPolicy.CheckDelete(actor, target, activeAdmins);

        // Conversations, messages and usage rows go with the user (ON DELETE CASCADE).
        db.Users.Remove(target);
        db.AuditEntries.Add(AuditEntry.Record(AuditActions.UserDeleted, clock.GetUtcNow(), actor.Id, actor.Username, target.Username, true,
            AuditSnapshot.Diff(AuditSnapshot.Of(target), null), command.ClientAddress));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Unit.Value;
    }
}
