using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Wibot.Application.Common.Interfaces;
using Wibot.Domain.Users;

namespace Wibot.Infrastructure.Persistence;

/// <summary>
/// After a save that changed a user's security stamp or removed a user, drops that user's cached
/// session state so their existing tokens are refused on the very next request.
/// </summary>
internal sealed class SessionRevocationInterceptor(IUserSessionCache sessions) : SaveChangesInterceptor
{
    // The interceptor is shared by every pooled context: pending ids are kept per context.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbContext, List<int>> _pending = [];

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Collect(eventData.Context);
        return base.SavingChangesAsync(eventData, result, cancellationToken);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return base.SavingChanges(eventData, result);
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Flush(eventData.Context);
        return base.SavedChangesAsync(eventData, result, cancellationToken);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Flush(eventData.Context);
        return base.SavedChanges(eventData, result);
    }

    private void Collect(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        foreach (var entry in context.ChangeTracker.Entries<User>())
        {
            if (entry.State == EntityState.Deleted
                || (entry.State == EntityState.Modified && entry.Property(u => u.SecurityStamp).IsModified))
            {
                _pending.GetOrCreateValue(context).Add(entry.Entity.Id);
            }
        }
    }

    private void Flush(DbContext? context)
    {
        if (context is null || !_pending.TryGetValue(context, out var ids))
        {
            return;
        }

        foreach (var id in ids)
        {
            sessions.Invalidate(id);
        }

        ids.Clear();
    }
}
