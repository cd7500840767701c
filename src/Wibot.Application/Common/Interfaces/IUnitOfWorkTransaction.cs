namespace Wibot.Application.Common.Interfaces;

/// <summary>
/// A transaction of the unit of work: what the entity changes and the ports' statements (ledger, signals)
/// made on it commit together; disposing without committing rolls them back.
/// </summary>
public interface IUnitOfWorkTransaction : IAsyncDisposable
{
    Task CommitAsync(CancellationToken cancellationToken);
}
