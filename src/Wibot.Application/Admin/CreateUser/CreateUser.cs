using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Wibot.Application.Common.Exceptions;
using Wibot.Application.Common.Interfaces;
using Wibot.Application.Common.Mapping;
using Wibot.Application.Common.Validation;
using Wibot.Domain.Audit;
using Wibot.Domain.Users;

namespace Wibot.Application.Admin.CreateUser;

public sealed record CreateUserCommand(
    int ActorId,
    string Username,
    string Password,
    string? Email,
    string? Role,
    string? AccreditationLevel,
    long? QuotaTokens,
    string? ClientAddress) : ICommand<AdminUserDto>
{
    public override string ToString() => $"CreateUserCommand {{ Username = {Username} }}";
}

public sealed class CreateUserValidator : AbstractValidator<CreateUserCommand>
{
    public CreateUserValidator()
    {
        RuleFor(x => x.Username).ValidUsername();
        RuleFor(x => x.Password).StrongPassword();
        RuleFor(x => x.Email).EmailAddress().MaximumLength(User.EmailMaxLength).When(x => !string.IsNullOrEmpty(x.Email));
        RuleFor(x => x.Role).ValidRole();
        RuleFor(x => x.AccreditationLevel).ValidAccreditation();
        RuleFor(x => x.QuotaTokens).InclusiveBetween(0, UserFieldRules.MaxQuota).When(x => x.QuotaTokens is not null);
    }
}

public sealed class CreateUserHandler(IWibotDbContext db, IPasswordHasher hasher, ITokenLedger ledger, TimeProvider clock)
    : ICommandHandler<CreateUserCommand, AdminUserDto>
{
    public async ValueTask<AdminUserDto> Handle(CreateUserCommand command, CancellationToken cancellationToken)
    {
        if (!WireNames.TryParseRole(command.Role, out var role) || !WireNames.TryParseAccreditation(command.AccreditationLevel, out var level))
        {
            throw new InvalidOperationException("Validated role and accreditation expected.");
        }

        var now = clock.GetUtcNow();
        var username = command.Username.Trim();
        if (await db.Users.AnyAsync(u => u.Username == username, cancellationToken))
        {
            throw new ConflictException("A user with this username already exists.");
        }

        var user = User.Create(username, hasher.Hash(command.Password), command.Email, role, level, now);
        db.Users.Add(user);
        await db.SaveChangesAsync(cancellationToken); // a concurrent duplicate still ends in 409 (unique index)

        var usage = await ledger.CurrentAsync(user.Id, now, cancellationToken);
        if (command.QuotaTokens is { } quota)
        {
            usage.Adjust(quota, null);
        }

        var actor = await db.Users.AsNoTracking().Where(u => u.Id == command.ActorId).Select(u => u.Username).FirstOrDefaultAsync(cancellationToken);
        db.AuditEntries.Add(AuditEntry.Record(AuditActions.UserCreated, now, command.ActorId, actor, user.Username, true,
            AuditSnapshot.Diff(null, AuditSnapshot.Of(user), new { quota_tokens = usage.QuotaTokens }), command.ClientAddress));
        await db.SaveChangesAsync(cancellationToken);
        return AdminUserDto.From(user, usage);
    }
}
