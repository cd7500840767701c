using Microsoft.EntityFrameworkCore;
using Wibot.Application.Common.Exceptions;
using Wibot.Application.Common.Interfaces;
using Wibot.Domain.Conversations;

namespace Wibot.Application.Conversations;

/// <summary>
/// Saves what a use case did to a conversation. Conversations carry a row version: when another
/// request saved the same conversation in between (two turns of one conversation answered at once,
/// a rename during a turn), the save is refused, the conversation is reloaded, the change is
/// applied again to the fresh state, and the save is retried, so that no message count or title
/// is lost and nobody gets a 409 for it.
/// </summary>
internal static class ConversationSaves
{
    // Each round of a conflict lets at least one writer through, so N turns of one conversation at once
    // need at most N - 1 retries; a technician rarely has more than two or three in flight.
    private const int Attempts = 32;

    /// <param name="reapply">What to do again to the reloaded conversation (the rest of the unit, new messages included, is kept).</param>
    public static async Task SaveConversationAsync(this IWibotDbContext db, Action<Conversation> reapply, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await db.SaveChangesAsync(ct);
                return;
            }
            catch (DbUpdateConcurrencyException conflict) when (attempt < Attempts)
            {
                foreach (var entry in conflict.Entries)
                {
                    await entry.ReloadAsync(ct);
                    if (entry.Entity is not Conversation conversation)
                    {
                        throw;
                    }

                    if (entry.State == EntityState.Detached)
                    {
                        throw new NotFoundException("Conversation"); // deleted in between
                    }

                    reapply(conversation);
                }
            }
        }
    }
}
