namespace Wibot.Application.Common.Interfaces;

/// <summary>What a storage failure means for the caller, whatever the database driver calls it.</summary>
public enum StorageFault
{
    /// <summary>Not a storage failure (or one that deserves a 500).</summary>
    None,

    /// <summary>The database cannot be reached or refuses connections for now: nothing was changed, retry later.</summary>
    Unavailable,

    /// <summary>Someone else changed the row between this request's read and its write: reload and retry.</summary>
    ConcurrentChange,
}

/// <summary>
/// Reads driver and ORM exceptions so that the HTTP edge can answer 503 or 409 without knowing
/// PostgreSQL's error codes or EF Core's exception types.
/// </summary>
public interface IStorageFaults
{
    StorageFault Classify(Exception exception);
}
