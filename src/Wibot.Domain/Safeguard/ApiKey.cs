namespace Wibot.Domain.Safeguard;

/// <summary>A tool server's credential; only its hash is kept.</summary>
public sealed class ApiKey
{
    public const int NameMaxLength = 100;

    private ApiKey()
    {
        Name = string.Empty;
        KeyHash = string.Empty;
    }

    public Guid Id { get; private set; }

    public string Name { get; private set; }

    public string KeyHash { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? LastUsedAt { get; private set; }

    public DateTimeOffset? RevokedAt { get; private set; }

    public bool IsActive => RevokedAt is null;

    public static ApiKey Issue(string name, string keyHash, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(keyHash);
        return new ApiKey { Id = Guid.CreateVersion7(now), Name = name.Trim(), KeyHash = keyHash, CreatedAt = now };
    }

    public void Revoke(DateTimeOffset now) => RevokedAt ??= now;

    public void MarkUsed(DateTimeOffset now) => LastUsedAt = now;
}
