using Mediator;
using Microsoft.EntityFrameworkCore;
using Wibot.Application.Auth.Login;
using Wibot.Application.Common.Exceptions;
using Wibot.Application.Common.Interfaces;
using Wibot.Application.Common.Mapping;
using Wibot.Domain.Audit;

namespace Wibot.Application.Auth.ChangePassword;

/// <summary>A user changes their own password; every token issued before stops working.</summary>
public sealed record ChangePasswordCommand(int UserId, string CurrentPassword, string NewPassword, string? ClientAddress) : ICommand<LoginResponse>
{
    public override string ToString() => $"ChangePasswordCommand {{ UserId = {UserId} }}";
}

public sealed class ChangePasswordHandler(IWibotDbContext db, IPasswordHasher hasher, ITokenIssuer tokens, TimeProvider clock)
    : ICommandHandler<ChangePasswordCommand, LoginResponse>
{
    public async ValueTask<LoginResponse> Handle(ChangePasswordCommand command, CancellationToken cancellationToken)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == command.UserId, cancellationToken)
            ?? throw new NotFoundException("User");
        if (hasher.Verify(user.PasswordHash, command.CurrentPassword) == PasswordCheck.Failed)
        {
            throw new ForbiddenException("The current password is wrong.");
        }

        var now = clock.GetUtcNow();
        user.ChangePassword(hasher.Hash(command.NewPassword));
        db.AuditEntries.Add(AuditEntry.Record(AuditActions.PasswordChanged, now, user.Id, user.Username, user.Username, true, null, command.ClientAddress));
        await db.SaveChangesAsync(cancellationToken);

        var issued = tokens.Issue(user, now);
        return new LoginResponse(issued.Token, issued.ExpiresAt, new LoginUserDto(user.Id, user.Username, user.Email, user.Role.ToWire(), user.AccreditationLevel.ToString()));
    }
}
