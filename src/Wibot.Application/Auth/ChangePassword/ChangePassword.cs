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

/// <remarks>
/// The current password is checked under the login throttle (same counts, same limits): a stolen
/// token is not an unthrottled oracle for the password behind it.
/// </remarks>
public sealed class ChangePasswordHandler(IWibotDbContext db, IPasswordHasher hasher, ITokenIssuer tokens, ILoginThrottle throttle, TimeProvider clock)
    : ICommandHandler<ChangePasswordCommand, LoginResponse>
{
    public async ValueTask<LoginResponse> Handle(ChangePasswordCommand command, CancellationToken cancellationToken)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == command.UserId, cancellationToken)
            ?? throw new NotFoundException("User");
        var now = clock.GetUtcNow();
        var attempt = await throttle.BeginAsync(user.Username, command.ClientAddress, now, cancellationToken);
        if (attempt.RetryAfter is { } wait)
        {
            throw new TooManyRequestsException("Too many wrong current passwords. Try again later.", wait);
        }

        if (hasher.Verify(user.PasswordHash, command.CurrentPassword) == PasswordCheck.Failed)
        {
            db.AuditEntries.Add(AuditEntry.Record(AuditActions.PasswordChangeFailed, now, user.Id, user.Username, user.Username, false, null, command.ClientAddress));
            await db.SaveChangesAsync(cancellationToken);
            var delay = throttle.DelayAfterFailure(attempt);
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, clock, cancellationToken);
            }

            throw new ForbiddenException("The current password is wrong.");
        }

        await throttle.SucceededAsync(attempt, cancellationToken);
        user.ChangePassword(hasher.Hash(command.NewPassword));
        db.AuditEntries.Add(AuditEntry.Record(AuditActions.PasswordChanged, now, user.Id, user.Username, user.Username, true, null, command.ClientAddress));
        await db.SaveChangesAsync(cancellationToken);

        var issued = tokens.Issue(user, now);
        return new LoginResponse(issued.Token, issued.ExpiresAt, new LoginUserDto(user.Id, user.Username, user.Email, user.Role.ToWire(), user.AccreditationLevel.ToString()));
    }
}
