using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace Wibot.Infrastructure.Persistence;

/// <summary>Runs one parameterized SQL batch (several result sets, one round trip) over the context's connection.</summary>
internal static class SqlBatch
{
    public static async Task RunAsync(DbContext db, string sql, IReadOnlyDictionary<string, object> parameters, Func<DbDataReader, Task> read, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await db.Database.OpenConnectionAsync(ct);
        }

        try
        {
            await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // The SQL text is a constant of the caller; values travel as parameters.
            command.CommandText = sql;
#pragma warning restore CA2100
            foreach (var (name, value) in parameters)
            {
                var p = command.CreateParameter();
                p.ParameterName = name;
                p.Value = value;
                command.Parameters.Add(p);
            }

            await using var reader = await command.ExecuteReaderAsync(ct);
            await read(reader);
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }
}
