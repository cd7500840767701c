using Wibot.Domain.Common;

namespace Wibot.Domain.Users;

/// <summary>A technician or administrator account.</summary>
public sealed class User
{
    public const int UsernameMaxLength = 50;
    public const int EmailMaxLength = 254;

    private User()
    {
        Username = string.Empty;
        PasswordHash = string.Empty;
    }

    public int Id { get; private set; }

    public string Username { get; private set; }

    public string PasswordHash { get; private set; }

    public string? Email { get; private set; }

    public UserRole Role { get; private set; }

    public AccreditationLevel AccreditationLevel { get; private set; }

    public bool IsActive { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>
    /// Changes whenever something that a token vouches for changes (password, role, accreditation,
    /// activation). Tokens carry the stamp they were issued with and stop working when it differs.
    /// </summary>
    public Guid SecurityStamp { get; private set; }

    public static User Create(
        string username,
        string passwordHash,
        string? email,
        UserRole role,
        AccreditationLevel accreditationLevel,
        DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(username);
        ArgumentException.ThrowIfNullOrWhiteSpace(passwordHash);
        if (username.Length > UsernameMaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(username), "Username is too long.");
        }

        return new User
        {
            Username = username,
            PasswordHash = passwordHash,
            Email = string.IsNullOrWhiteSpace(email) ? null : email.Trim(),
            Role = role,
            AccreditationLevel = accreditationLevel,
            IsActive = true,
            CreatedAt = now,
            SecurityStamp = Guid.NewGuid(),
        };
    }

    public bool IsAdmin => Role == UserRole.Admin;

    /// <summary>Replaces the password hash and revokes every token issued before.</summary>
    public void ChangePassword(string newPasswordHash)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(newPasswordHash);
        PasswordHash = newPasswordHash;
        SecurityStamp = Guid.NewGuid();
    }

    /// <summary>Upgrades a legacy hash of the same password; tokens stay valid.</summary>
    public void UpgradePasswordHash(string newPasswordHash)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(newPasswordHash);
        PasswordHash = newPasswordHash;
    }

    public void ChangeRole(UserRole role)
    {
        if (role == Role)
        {
            return;
        }

        Role = role;
        SecurityStamp = Guid.NewGuid();
    }

    public void ChangeAccreditation(AccreditationLevel level)
    {
        if (!Enum.IsDefined(level))
        {
            throw new ArgumentOutOfRangeException(nameof(level));
        }

        if (level == AccreditationLevel)
        {
            return;
        }

        AccreditationLevel = level;
        SecurityStamp = Guid.NewGuid();
    }

    public void Deactivate()
    {
        if (!IsActive)
        {
            return;
        }

        IsActive = false;
        SecurityStamp = Guid.NewGuid();
    }

    public void Activate()
    {
        if (IsActive)
        {
            return;
        }

        IsActive = true;
        SecurityStamp = Guid.NewGuid();
    }

    public void ChangeEmail(string? email)
    {
        if (email is { Length: > EmailMaxLength })
        {
            throw new ArgumentOutOfRangeException(nameof(email), "Email is too long.");
        }

        Email = string.IsNullOrWhiteSpace(email) ? null : email.Trim();
    }
}
