using System.Globalization;
using Wibot.Domain.Common;
using Wibot.Domain.Users;

namespace Wibot.Domain.Safeguard;

/// <summary>A tool server's request to run a privileged action, waiting for an accredited technician's decision.</summary>
public sealed class SafeguardRequest
{
    public const int ToolMaxLength = 100;
    public const int ReasonMaxLength = 2000;
    public const int CommentMaxLength = 2000;
    public const int NameMaxLength = 100;
    public static readonly TimeSpan MinTtl = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxTtl = TimeSpan.FromDays(1);

    private SafeguardRequest()
    {
        Tool = string.Empty;
        Arguments = "{}";
        Reason = string.Empty;
        RequestedBy = string.Empty;
    }

    public long Id { get; private set; }

    /// <summary>The readable id, APR-001, APR-002, … (from the never-reused key).</summary>
    public string RequestId => FormatId(Id);

    public string Tool { get; private set; }

    /// <summary>The action's arguments as the tool server sent them (a JSON object).</summary>
    public string Arguments { get; private set; }

    public ActionLevel Level { get; private set; }

    public string Reason { get; private set; }

    /// <summary>The tool server (API key name) that raised the request.</summary>
    public string RequestedBy { get; private set; }

    /// <summary>The user on whose behalf the action would run, if any.</summary>
    public string? RequestedFor { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset ExpiresAt { get; private set; }

    public SafeguardStatus Status { get; private set; }

    public int? DecidedById { get; private set; }

    public string? DecidedBy { get; private set; }

    public DateTimeOffset? DecidedAt { get; private set; }

    public string? Comment { get; private set; }

    public static SafeguardRequest Raise(string tool, string argumentsJson, ActionLevel level, string reason, string requestedBy, string? requestedFor, TimeSpan ttl, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tool);
        ArgumentException.ThrowIfNullOrWhiteSpace(argumentsJson);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        ArgumentException.ThrowIfNullOrWhiteSpace(requestedBy);
        if (!Enum.IsDefined(level))
        {
            throw new ArgumentOutOfRangeException(nameof(level));
        }

        if (ttl < MinTtl || ttl > MaxTtl)
        {
            throw new ArgumentOutOfRangeException(nameof(ttl), "The time to live must be between 30 seconds and one day.");
        }

        return new SafeguardRequest
        {
            Tool = tool,
            Arguments = argumentsJson,
            Level = level,
            Reason = reason,
            RequestedBy = requestedBy,
            RequestedFor = string.IsNullOrWhiteSpace(requestedFor) ? null : requestedFor.Trim(),
            CreatedAt = now,
            ExpiresAt = now + ttl,
            Status = SafeguardStatus.Pending,
        };
    }

    /// <summary>The status as of <paramref name="now"/>: a pending request past its expiry is expired, marked or not.</summary>
    public SafeguardStatus StatusAt(DateTimeOffset now) => EffectiveStatus(Status, ExpiresAt, now);

    public static SafeguardStatus EffectiveStatus(SafeguardStatus stored, DateTimeOffset expiresAt, DateTimeOffset now) =>
        stored == SafeguardStatus.Pending && now >= expiresAt ? SafeguardStatus.Expired : stored;

    /// <summary>Whether <paramref name="user"/> may decide this request now (the rules of <see cref="Approve"/>).</summary>
    public static bool CanBeDecidedBy(User user, ActionLevel level, string? requestedFor, SafeguardStatus effectiveStatus)
    {
        ArgumentNullException.ThrowIfNull(user);
        return effectiveStatus == SafeguardStatus.Pending
            && user.IsActive
            && AccreditationMatrix.CanDecide(user.AccreditationLevel, level)
            && !string.Equals(user.Username, requestedFor, StringComparison.OrdinalIgnoreCase);
    }

    public void Approve(User approver, string? comment, DateTimeOffset now) => Decide(approver, SafeguardStatus.Approved, comment, now);

    public void Reject(User approver, string? comment, DateTimeOffset now) => Decide(approver, SafeguardStatus.Rejected, comment, now);

    /// <summary>Marks a pending request whose time is up; returns false when there is nothing to do.</summary>
    public bool Expire(DateTimeOffset now)
    {
        if (Status != SafeguardStatus.Pending || now < ExpiresAt)
        {
            return false;
        }

        Status = SafeguardStatus.Expired;
        return true;
    }

    public static string FormatId(long id) => "APR-" + id.ToString("D3", CultureInfo.InvariantCulture);

    public static bool TryParseId(string? value, out long id)
    {
        id = 0;
        return value is { Length: > 4 } && value.StartsWith("APR-", StringComparison.OrdinalIgnoreCase)
            && long.TryParse(value.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0;
    }

    private void Decide(User approver, SafeguardStatus outcome, string? comment, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(approver);
        Rules.Check(new SafeguardRequestMustBePending(Status));
        Rules.Check(new SafeguardRequestMustNotBeExpired(ExpiresAt, now));
        Rules.Check(new RequesterCannotDecideOwnRequest(approver.Username, RequestedFor));
        Rules.Check(new ApproverMustCoverActionLevel(approver.AccreditationLevel, Level));
        Status = outcome;
        DecidedById = approver.Id;
        DecidedBy = approver.Username;
        DecidedAt = now;
        Comment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
    }
}

public sealed class SafeguardRequestMustBePending(SafeguardStatus status) : IBusinessRule
{
    public bool IsBroken() => status != SafeguardStatus.Pending;

    public string Message => $"The request has already been {status.ToString().ToLowerInvariant()}.";
}

public sealed class SafeguardRequestMustNotBeExpired(DateTimeOffset expiresAt, DateTimeOffset now) : IBusinessRule
{
    public bool IsBroken() => now >= expiresAt;

    public string Message => "The request has expired and can no longer be decided.";
}

public sealed class ApproverMustCoverActionLevel(AccreditationLevel accreditation, ActionLevel level) : IBusinessRule
{
    public bool IsBroken() => !AccreditationMatrix.CanDecide(accreditation, level);

    public string Message => $"Accreditation {accreditation} cannot decide a level {level} action.";

    public bool IsAuthorizationRule => true;
}

public sealed class RequesterCannotDecideOwnRequest(string approver, string? requestedFor) : IBusinessRule
{
    public bool IsBroken() => string.Equals(approver, requestedFor, StringComparison.OrdinalIgnoreCase);

    public string Message => "A request raised on your behalf must be decided by someone else.";

    public bool IsAuthorizationRule => true;
}
