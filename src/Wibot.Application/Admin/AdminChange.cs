using Microsoft.EntityFrameworkCore;
using Wibot.Application.Common.Exceptions;
using Wibot.Application.Common.Interfaces;
using Wibot.Domain.Users;

namespace Wibot.Application.Admin;

/// <summary>
/// The start of every change to an account's standing: one transaction holding the admins lock (so the
/// last-admin rule cannot race), the target (tracked), the acting admin, and the active admin count.
/// </summary>
internal sealed record AdminChange(IUnitOfWorkTransaction Transaction, User Target, User Actor, int ActiveAdmins) : IAsyncDisposable
{
    private const string AdminsLock = "wibot.admins";

    public static async Task<AdminChange> BeginAsync(IWibotDbContext db, int actorId, int userId, CancellationToken ct)
    {
        var transaction = await db.BeginTransactionAsync(ct);
        try
        {
            await db.LockAsync(AdminsLock, ct);
            var target = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, ct) ?? throw new NotFoundException("User");
            var actor = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == actorId, ct)
                ?? throw new ForbiddenException("Unknown administrator.");
            var activeAdmins = await db.Users.CountAsync(u => u.Role == UserRole.Admin && u.IsActive, ct);
            return new AdminChange(transaction, target, actor, activeAdmins);
        }
        catch
        {
            await transaction.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => Transaction.DisposeAsync();
}
