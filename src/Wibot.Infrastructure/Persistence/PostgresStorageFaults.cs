using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Wibot.Application.Common.Interfaces;

namespace Wibot.Infrastructure.Persistence;

/// <summary>PostgreSQL's and EF Core's ways of saying "down" and "changed under you".</summary>
internal sealed class PostgresStorageFaults : IStorageFaults
{
    // admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections.
    private static readonly string[] UnavailableStates = ["57P01", "57P02", "57P03", "53300"];

    public StorageFault Classify(Exception exception)
    {
        if (exception is DbUpdateConcurrencyException)
        {
            return StorageFault.ConcurrentChange;
        }

        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is NpgsqlException { IsTransient: true } or SocketException
                || (e is PostgresException pg && UnavailableStates.Contains(pg.SqlState)))
            {
                return StorageFault.Unavailable;
            }
        }

        return StorageFault.None;
    }
}
