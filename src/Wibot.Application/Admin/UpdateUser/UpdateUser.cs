using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Wibot.Application.Common.Exceptions;
using Wibot.Application.Common.Interfaces;
using Wibot.Application.Common.Mapping;
using Wibot.Application.Common.Validation;
using Wibot.Domain.Audit;
using Wibot.Domain.Users;

namespace Wibot.Application.Admin.UpdateUser;

public sealed record UpdateUserCommand(
    int ActorId,
    int UserId,
    string? Role,
    bool? IsActive,
    string? AccreditationLevel,
    long? QuotaTokens,
    long? AddTokens,
    string? Password,
    string? Email,
    string? ClientAddress) : ICommand<AdminUserDto>
{
    public override string ToString() => $"UpdateUserCommand {{ UserId = {UserId} }}";
}

public sealed class UpdateUserValidator : AbstractValidator<UpdateUserCommand>
{
    public UpdateUserValidator()
    {
        RuleFor(x => x.UserId).GreaterThan(0);
        RuleFor(x => x.Role).ValidRole().When(x => x.Role is not null);
        RuleFor(x => x.AccreditationLevel).ValidAccreditation().When(x => x.AccreditationLevel is not null);
        RuleFor(x => x.QuotaTokens).InclusiveBetween(0, UserFieldRules.MaxQuota).When(x => x.QuotaTokens is not null);
        RuleFor(x => x.AddTokens).InclusiveBetween(1, UserFieldRules.MaxQuota).When(x => x.AddTokens is not null);
        RuleFor(x => x.Password!).StrongPassword().When(x => x.Password is not null);
        RuleFor(x => x.Email).EmailAddress().MaximumLength(User.EmailMaxLength).When(x => !string.IsNullOrEmpty(x.Email));
    }
}

public sealed class UpdateUserHandler(IWibotDbContext db, IPasswordHasher hasher, ITokenLedger ledger, TimeProvider clock)
    : ICommandHandler<UpdateUserCommand, AdminUserDto>
{
    public async ValueTask<AdminUserDto> Handle(UpdateUserCommand command, CancellationToken cancellationToken)
    {
        await using var change = await AdminChange.BeginAsync(db, command.ActorId, command.UserId, cancellationToken);
        var (target, actor) = (change.Target, change.Actor);
        UserRole? newRole = command.Role is null ? null : WireNames.TryParseRole(command.Role, out var r) ? r : null;
        AccreditationLevel? newLevel = command.AccreditationLevel is null ? null : WireNames.TryParseAccreditation(command.AccreditationLevel, out var l) ? l : null;
        AdminPolicy.CheckChange(actor, target, newRole, command.IsActive, change.ActiveAdmins);

        var now = clock.GetUtcNow();
        var before = AuditSnapshot.Of(target);
        if (newRole is { } role)
        {
            target.ChangeRole(role);
        }

        if (newLevel is { } level)
        {
            target.ChangeAccreditation(level);
        }

        if (command.IsActive is { } active)
        {
            if (active)
            {
                target.Activate();
            }
            else
            {
                target.Deactivate();
            }
        }

        if (command.Email is not null)
        {
            target.ChangeEmail(command.Email);
        }

        if (command.Password is not null)
        {
            target.ChangePassword(hasher.Hash(command.Password));
        }

        var usage = await ledger.CurrentAsync(target.Id, now, cancellationToken);
        var quotaBefore = usage.QuotaTokens;
        usage.Adjust(command.QuotaTokens, command.AddTokens);

        db.AuditEntries.Add(AuditEntry.Record(AuditActions.UserUpdated, now, actor.Id, actor.Username, target.Username, true,
            AuditSnapshot.Diff(before, AuditSnapshot.Of(target), new
            {
                password_changed = command.Password is not null,
                quota_before = quotaBefore,
                quota_after = usage.QuotaTokens,
            }),
            command.ClientAddress));
        await db.SaveChangesAsync(cancellationToken);
        await change.Transaction.CommitAsync(cancellationToken);
        return AdminUserDto.From(target, usage);
    }
}
