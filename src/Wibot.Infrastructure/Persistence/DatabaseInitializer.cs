using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Wibot.Application.Common.Interfaces;
using Wibot.Domain.Audit;
using Wibot.Domain.Users;
using Wibot.Application.Common.Options;

using Wibot.Infrastructure.Tokens;

namespace Wibot.Infrastructure.Persistence;

/// <summary>Runs <see cref="DatabaseInitializer"/> when the host starts, before requests are served.</summary>
internal sealed class DatabaseInitializerService(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => services.InitializeDatabaseAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Applies migrations and creates the bootstrap admin before the server takes requests.</summary>
public static partial class DatabaseInitializer
{
    public static async Task InitializeDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("Wibot.Startup");
        var db = sp.GetRequiredService<WibotDbContext>();
        await db.Database.MigrateAsync(ct);

        // Reservations belong to the instance that made them and expire; only expired ones are freed here.
        await ReservationSweeper.FreeExpiredAsync(db, ct);
        await EnsureBootstrapAdminAsync(db, sp.GetRequiredService<IPasswordHasher>(), sp.GetRequiredService<IOptions<BootstrapOptions>>().Value, sp.GetRequiredService<TimeProvider>(), logger, ct);
    }

    private static async Task EnsureBootstrapAdminAsync(WibotDbContext db, IPasswordHasher hasher, BootstrapOptions options, TimeProvider clock, ILogger logger, CancellationToken ct)
    {
        if (await db.Users.AnyAsync(u => u.Role == UserRole.Admin && u.IsActive, ct))
        {
            return;
        }

        var username = string.IsNullOrWhiteSpace(options.AdminUsername) ? "admin" : options.AdminUsername.Trim();
        var generated = string.IsNullOrEmpty(options.AdminPassword);
        var password = generated ? GeneratePassword() : options.AdminPassword!;
        var now = clock.GetUtcNow();
        var existing = await db.Users.FirstOrDefaultAsync(u => u.Username == username, ct);
        if (existing is null)
        {
            db.Users.Add(User.Create(username, hasher.Hash(password), null, UserRole.Admin, AccreditationLevel.N4, now));
        }
        else
        {
            // An account with that name exists but no active admin does: restore it as the admin.
            existing.ChangeRole(UserRole.Admin);
            existing.ChangeAccreditation(AccreditationLevel.N4);
            existing.Activate();
            existing.ChangePassword(hasher.Hash(password));
        }

        db.AuditEntries.Add(AuditEntry.Record(AuditActions.BootstrapAdminCreated, now, null, "system", username, true, null, null));
        await db.SaveChangesAsync(ct);
        LogBootstrap(logger, username);
        if (generated)
        {
            // Printed once on the console on purpose, never through the logger (logs keep no secrets).
            Console.Out.WriteLine();
            Console.Out.WriteLine("==================================================================");
            Console.Out.WriteLine($" WIBOT admin account created: username '{username}'");
            Console.Out.WriteLine($" Password (shown only this once): {password}");
            Console.Out.WriteLine(" Set Bootstrap__AdminPassword to choose it yourself.");
            Console.Out.WriteLine("==================================================================");
            Console.Out.WriteLine();
            Console.Out.Flush();
        }
    }

    private static string GeneratePassword()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        return RandomNumberGenerator.GetString(alphabet, 20);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No active admin existed: bootstrap admin {Username} created")]
    private static partial void LogBootstrap(ILogger logger, string username);
}
