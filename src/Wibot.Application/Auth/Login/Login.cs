using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Wibot.Application.Common.Exceptions;
using Wibot.Application.Common.Interfaces;
using Wibot.Application.Common.Mapping;
using Wibot.Domain.Audit;

namespace Wibot.Application.Auth.Login;

public sealed record LoginCommand(string Username, string Password, string? ClientAddress) : ICommand<LoginResponse>
{
    // A login command carries a password: never print it.
    public override string ToString() => $"LoginCommand {{ Username = {Username} }}";
}

public sealed partial class LoginHandler(
    IWibotDbContext db,
    IPasswordHasher hasher,
    ITokenIssuer tokens,
    ILoginThrottle throttle,
    TimeProvider clock,
    ILogger<LoginHandler> logger) : ICommandHandler<LoginCommand, LoginResponse>
{
    public async ValueTask<LoginResponse> Handle(LoginCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var username = command.Username.Trim();

        // Counted before the password is checked, so parallel bursts are bounded too.
        var attempt = await throttle.BeginAsync(username, command.ClientAddress, now, cancellationToken);
        if (attempt.RetryAfter is { } wait)
        {
            // The audit gets the first refusal of a lock-out and then one per power of ten, with the count, not a row per attempt.
            var refusals = attempt.ThrottledBefore + 1;
            if (IsAuditedRefusal(refusals))
            {
                db.AuditEntries.Add(AuditEntry.Record(AuditActions.LoginThrottled, now, null, username, username, false,
                    System.Text.Json.JsonSerializer.Serialize(new { refused_attempts_in_window = refusals }), command.ClientAddress));
                await db.SaveChangesAsync(cancellationToken);
            }

            LogThrottled(logger, username);
            throw new TooManyRequestsException("Too many failed login attempts. Try again later.", wait);
        }

        var user = await db.Users.FirstOrDefaultAsync(u => u.Username == username, cancellationToken);
        PasswordCheck check;
        if (user is null)
        {
            hasher.VerifyAgainstDummy(command.Password);
            check = PasswordCheck.Failed;
        }
        else
        {
            check = hasher.Verify(user.PasswordHash, command.Password);
        }

        if (user is null || !user.IsActive || check == PasswordCheck.Failed)
        {
            var delay = throttle.DelayAfterFailure(attempt);
            db.AuditEntries.Add(AuditEntry.Record(AuditActions.LoginFailed, now, user?.Id, username, username, false, null, command.ClientAddress));
            await db.SaveChangesAsync(cancellationToken);
            LogFailed(logger, username);
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, clock, cancellationToken);
            }

            throw new AuthenticationFailedException();
        }

        if (check == PasswordCheck.SucceededRehashNeeded)
        {
            user.UpgradePasswordHash(hasher.Hash(command.Password));
        }

        await throttle.SucceededAsync(attempt, cancellationToken);
        db.AuditEntries.Add(AuditEntry.Record(AuditActions.LoginSucceeded, now, user.Id, user.Username, user.Username, true, null, command.ClientAddress));
        await db.SaveChangesAsync(cancellationToken);

        var issued = tokens.Issue(user, now);
        return new LoginResponse(
            issued.Token,
            issued.ExpiresAt,
            new LoginUserDto(user.Id, user.Username, user.Email, user.Role.ToWire(), user.AccreditationLevel.ToString()));
    }

    internal static bool IsAuditedRefusal(long refusals)
    {
        for (var n = refusals; n > 1; n /= 10)
        {
            if (n % 10 != 0)
            {
                return false;
            }
        }

        return refusals >= 1;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Login failed for {Username}")]
    private static partial void LogFailed(ILogger logger, string username);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Login throttled for {Username}")]
    private static partial void LogThrottled(ILogger logger, string username);
}
