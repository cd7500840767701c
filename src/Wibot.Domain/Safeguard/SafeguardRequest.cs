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

    /// <summary>"APR-" and a 64-bit number.</summary>
    public const int IdMaxLength = 24;
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

    /// <summary>Argument names the tool server declared secret (masked like the names that look secret).</summary>
    public string[] SecretArguments { get; private set; } = [];

    public string Reason { get; private set; }

    /// <summary>The tool server (API key name) that raised the request.</summary>
    public string RequestedBy { get; private set; }

    /// <summary>The tool server's key that raised the request (only that key may read it back).</summary>
    public Guid? RequestedByKeyId { get; private set; }

    /// <summary>The username of the user on whose behalf the action would run, if any (as it was when raised).</summary>
    public string? RequestedFor { get; private set; }

    /// <summary>The user on whose behalf the action would run: resolved when raised, never decides it.</summary>
    public int? RequestedForId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset ExpiresAt { get; private set; }

    public SafeguardStatus Status { get; private set; }

    public int? DecidedById { get; private set; }

    public string? DecidedBy { get; private set; }

    public DateTimeOffset? DecidedAt { get; private set; }

    public string? Comment { get; private set; }

    /// <summary>Distinct eligible people needed to approve it (the two-person rule: <c>Safeguard:Levels:&lt;L&gt;:Approvals</c>).</summary>
    public int ApprovalsRequired { get; private set; } = 1;

    /// <summary>The approvals given so far, oldest first (the last one of a closed request is its decision).</summary>
    public IReadOnlyList<SafeguardApproval> Approvals { get; private set; } = [];

    /// <summary>The level the tool server asked for, when WIBOT's minimum for the tool raised it (<c>Safeguard:ToolLevels</c>).</summary>
    public ActionLevel? LevelRaisedFrom { get; private set; }

    /// <summary>What the tool server said about the ticket and the client (a JSON object), as sent.</summary>
    public string? Context { get; private set; }

    /// <summary>Who raised it: a tool server through the API, the chat's model, or an outside agent through the gateway.</summary>
    public RequestOrigin Origin { get; private set; }

    /// <summary>The registered tool server that runs the action once approved (chat and gateway requests).</summary>
    public Guid? ServerId { get; private set; }

    /// <summary>That server's name, as it was when raised.</summary>
    public string? Server { get; private set; }

    public Guid? ConversationId { get; private set; }

    /// <summary>The binding of the approval: <see cref="ToolCallBinding.Digest"/> of server, tool and arguments.</summary>
    public string? ArgumentsSha256 { get; private set; }

    public ExecutionStatus? ExecutionStatus { get; private set; }

    public DateTimeOffset? ExecutionStartedAt { get; private set; }

    public DateTimeOffset? ExecutionFinishedAt { get; private set; }

    /// <summary>The tool's answer (cut), or why the call was not run.</summary>
    public string? ExecutionResult { get; private set; }

    /// <summary>Whether WIBOT runs the approved action itself (chat and gateway) rather than the tool server that asked.</summary>
    public bool RunsThroughWibot => ServerId is not null;

    // What happened to the request since it was loaded, oldest first (a field: not persisted).
    private readonly List<ISafeguardEvent> _events = [];

    /// <summary>Hands the recorded events over once (the journal turns them into audit entries and signals).</summary>
    public IReadOnlyList<ISafeguardEvent> DequeueEvents()
    {
        var events = _events.ToArray();
        _events.Clear();
        return events;
    }

    public static SafeguardRequest Raise(
        string tool, string argumentsJson, ActionLevel level, string reason, string requestedBy, User? requestedFor, TimeSpan ttl, DateTimeOffset now, Guid? requestedByKeyId = null,
        IEnumerable<string>? secretArguments = null)
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

        var request = new SafeguardRequest
        {
            Tool = tool,
            Arguments = argumentsJson,
            Level = level,
            Reason = reason,
            RequestedBy = requestedBy,
            RequestedByKeyId = requestedByKeyId,
            SecretArguments = secretArguments?.Select(n => n.Trim()).Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).ToArray() ?? [],
            RequestedFor = requestedFor?.Username,
            RequestedForId = requestedFor?.Id,
            CreatedAt = now,
            ExpiresAt = now + ttl,
            Status = SafeguardStatus.Pending,
        };
        request._events.Add(new SafeguardRequestRaised(request, now));
        return request;
    }

    /// <summary>A tool call that WIBOT will run itself once approved, bound to its server, tool and exact arguments.</summary>
    public static SafeguardRequest RaiseToolCall(
        Guid serverId, string server, string tool, string argumentsJson, ActionLevel level, string reason, RequestOrigin origin, string requestedBy,
        User? requestedFor, TimeSpan ttl, DateTimeOffset now, Guid? requestedByKeyId = null, Guid? conversationId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(server);
        if (origin == RequestOrigin.Api)
        {
            throw new ArgumentOutOfRangeException(nameof(origin), "A tool call comes from the chat or the gateway.");
        }

        var request = Raise(tool, argumentsJson, level, reason, requestedBy, requestedFor, ttl, now, requestedByKeyId);
        request.Origin = origin;
        request.ServerId = serverId;
        request.Server = server;
        request.ConversationId = conversationId;
        request.ArgumentsSha256 = ToolCallBinding.Digest(server, tool, argumentsJson);
        return request;
    }

    /// <summary>
    /// Keeps the arguments as the application stores them (secret values sealed); the binding hash
    /// stays the one computed over the clear arguments when the call was raised.
    /// </summary>
    public void StoreArgumentsAs(string storedJson)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(storedJson);
        if (!RunsThroughWibot || Status != SafeguardStatus.Pending || Id != 0)
        {
            throw new InvalidOperationException("Only a tool call being raised has its stored form chosen.");
        }

        Arguments = storedJson;
    }

    /// <summary>Sets how many distinct approvals the request needs (before it is saved).</summary>
    public void RequireApprovals(int count)
    {
        if (count is < 1 or > 5)
        {
            throw new ArgumentOutOfRangeException(nameof(count), "A request needs between 1 and 5 approvals.");
        }

        EnsureBeingRaised();
        ApprovalsRequired = count;
    }

    /// <summary>Raises the level to WIBOT's minimum for the tool, remembering the level that was asked (before it is saved).</summary>
    public void RaiseLevelTo(ActionLevel minimum)
    {
        EnsureBeingRaised();
        if (minimum > Level)
        {
            LevelRaisedFrom = Level;
            Level = minimum;
        }
    }

    /// <summary>Keeps the tool server's context (ticket, client, description) as a JSON object (before it is saved).</summary>
    public void DescribeContext(string? contextJson)
    {
        EnsureBeingRaised();
        Context = string.IsNullOrWhiteSpace(contextJson) ? null : contextJson;
    }

    private void EnsureBeingRaised()
    {
        if (Id != 0 || Status != SafeguardStatus.Pending || Approvals.Count > 0)
        {
            throw new InvalidOperationException("Only a request being raised can be changed this way.");
        }
    }

    /// <summary>Approved, run by WIBOT, and not started yet: the one state from which the call may start.</summary>
    public bool AwaitsExecution => RunsThroughWibot && Status == SafeguardStatus.Approved && ExecutionStatus is null;

    /// <summary>Claims the execution (saved under the row version, so that only one instance wins it).</summary>
    public void StartExecution(DateTimeOffset now)
    {
        if (!AwaitsExecution)
        {
            throw new InvalidOperationException("Only an approved tool call that has not started can start.");
        }

        ExecutionStatus = Safeguard.ExecutionStatus.Running;
        ExecutionStartedAt = now;
    }

    /// <summary>The tool answered (or failed): the outcome and its text, once.</summary>
    public void FinishExecution(bool succeeded, string result, DateTimeOffset now)
    {
        if (ExecutionStatus != Safeguard.ExecutionStatus.Running)
        {
            throw new InvalidOperationException("Only a running execution can finish.");
        }

        ExecutionStatus = succeeded ? Safeguard.ExecutionStatus.Succeeded : Safeguard.ExecutionStatus.Failed;
        ExecutionResult = Cut(result);
        ExecutionFinishedAt = now;
        _events.Add(new SafeguardRequestExecuted(this, ExecutionStatus.Value, now));
    }

    /// <summary>The re-checks at execution failed (arguments changed, tool disabled or raised above the approval): not run.</summary>
    public void DenyExecution(string why, DateTimeOffset now)
    {
        if (!AwaitsExecution)
        {
            throw new InvalidOperationException("Only an approved tool call that has not started can be denied.");
        }

        ExecutionStatus = Safeguard.ExecutionStatus.Denied;
        ExecutionResult = Cut(why);
        ExecutionStartedAt = now;
        ExecutionFinishedAt = now;
        _events.Add(new SafeguardRequestExecuted(this, Safeguard.ExecutionStatus.Denied, now));
    }

    /// <summary>
    /// A call that was running when its instance stopped: it may or may not have reached the server,
    /// so it is never started again (the server could deduplicate by request id); it is failed.
    /// </summary>
    public void AbandonInterruptedExecution(DateTimeOffset now)
    {
        if (ExecutionStatus != Safeguard.ExecutionStatus.Running)
        {
            return;
        }

        ExecutionStatus = Safeguard.ExecutionStatus.Failed;
        ExecutionResult = "Interrupted: WIBOT stopped while the call was running; it is not run again.";
        ExecutionFinishedAt = now;
        _events.Add(new SafeguardRequestExecuted(this, Safeguard.ExecutionStatus.Failed, now));
    }

    public const int ResultMaxLength = 8000;

    private static string Cut(string text) => text.Length <= ResultMaxLength ? text : text[..ResultMaxLength] + "…";

    /// <summary>The status as of <paramref name="now"/>: a pending request past its expiry is expired, marked or not.</summary>
    public SafeguardStatus StatusAt(DateTimeOffset now) => EffectiveStatus(Status, ExpiresAt, now);

    public static SafeguardStatus EffectiveStatus(SafeguardStatus stored, DateTimeOffset expiresAt, DateTimeOffset now) =>
        stored == SafeguardStatus.Pending && now >= expiresAt ? SafeguardStatus.Expired : stored;

    /// <summary>Whether <paramref name="user"/> may decide this request now: the very rules <see cref="Approve"/> and <see cref="Reject"/> check.</summary>
    public bool CanBeDecidedBy(User user, DateTimeOffset now) => !DecisionRules(user, now).Any(r => r.IsBroken());

    /// <summary>Whether the tool server's key <paramref name="keyId"/> (named <paramref name="keyName"/>) raised this request.</summary>
    public bool WasRaisedByKey(Guid keyId, string keyName) =>
        RequestedByKeyId is { } own ? own == keyId : string.Equals(RequestedBy, keyName, StringComparison.Ordinal);

    /// <summary>
    /// Records <paramref name="approver"/>'s approval; the request is approved when it holds
    /// <see cref="ApprovalsRequired"/> distinct ones, and stays pending until then.
    /// </summary>
    /// <returns>Whether this approval closed the request.</returns>
    public bool Approve(User approver, string? comment, DateTimeOffset now)
    {
        CheckDecisionRules(approver, now);
        var approval = new SafeguardApproval(approver.Id, approver.Username, now, string.IsNullOrWhiteSpace(comment) ? null : comment.Trim());
        Approvals = [.. Approvals, approval];
        if (Approvals.Count < ApprovalsRequired)
        {
            _events.Add(new SafeguardApprovalRecorded(this, approver.Id, approver.Username, Approvals.Count, now));
            return false;
        }

        Decide(approver, SafeguardStatus.Approved, comment, now);
        return true;
    }

    /// <summary>Whether <paramref name="userId"/> has already given one of the approvals.</summary>
    public bool HasBeenApprovedBy(int userId) => Approvals.Any(a => a.ById == userId);

    public void Reject(User approver, string? comment, DateTimeOffset now)
    {
        CheckDecisionRules(approver, now);
        Decide(approver, SafeguardStatus.Rejected, comment, now);
    }

    /// <summary>Marks a pending request whose time is up; returns false when there is nothing to do.</summary>
    public bool Expire(DateTimeOffset now)
    {
        if (Status != SafeguardStatus.Pending || now < ExpiresAt)
        {
            return false;
        }

        Status = SafeguardStatus.Expired;
        _events.Add(new SafeguardRequestExpired(this, now));
        return true;
    }

    public static string FormatId(long id) => "APR-" + id.ToString("D3", CultureInfo.InvariantCulture);

    public static bool TryParseId(string? value, out long id)
    {
        id = 0;
        return value is { Length: > 4 } && value.StartsWith("APR-", StringComparison.OrdinalIgnoreCase)
            && long.TryParse(value.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0;
    }

    /// <summary>The rules a decision must keep, in the order they are reported.</summary>
    private IEnumerable<IBusinessRule> DecisionRules(User approver, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(approver);
        yield return new SafeguardRequestMustBePending(Status);
        yield return new SafeguardRequestMustNotBeExpired(ExpiresAt, now);
        yield return new ApproverMustBeActive(approver.IsActive);
        yield return new RequesterCannotDecideOwnRequest(approver.Id, RequestedForId);
        yield return new ApproverMustCoverActionLevel(approver.AccreditationLevel, Level);
        yield return new ApproverMustNotHaveApprovedAlready(HasBeenApprovedBy(approver.Id));
    }

    private void CheckDecisionRules(User approver, DateTimeOffset now)
    {
        foreach (var rule in DecisionRules(approver, now))
        {
            Rules.Check(rule);
        }
    }

    /// <summary>Closes the request (the rules have been checked by the caller).</summary>
    private void Decide(User approver, SafeguardStatus outcome, string? comment, DateTimeOffset now)
    {
        Status = outcome;
        DecidedById = approver.Id;
        DecidedBy = approver.Username;
        DecidedAt = now;
        Comment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        _events.Add(new SafeguardRequestDecided(this, approver.Id, approver.Username, outcome, now));
    }
}

/// <summary>Something that happened to a Safeguard request (past tense; raised by the aggregate).</summary>
public interface ISafeguardEvent
{
    SafeguardRequest Request { get; }

    DateTimeOffset At { get; }
}

public sealed record SafeguardRequestRaised(SafeguardRequest Request, DateTimeOffset At) : ISafeguardEvent;

public sealed record SafeguardRequestDecided(SafeguardRequest Request, int ApproverId, string Approver, SafeguardStatus Outcome, DateTimeOffset At) : ISafeguardEvent;

/// <summary>One approval of a request that needs more than one (it stays pending).</summary>
public sealed record SafeguardApprovalRecorded(SafeguardRequest Request, int ApproverId, string Approver, int Count, DateTimeOffset At) : ISafeguardEvent;

/// <summary>One person's approval of a request.</summary>
public sealed record SafeguardApproval(int ById, string By, DateTimeOffset At, string? Comment);

public sealed record SafeguardRequestExpired(SafeguardRequest Request, DateTimeOffset At) : ISafeguardEvent;

public sealed record SafeguardRequestExecuted(SafeguardRequest Request, ExecutionStatus Outcome, DateTimeOffset At) : ISafeguardEvent;

public enum RequestOrigin
{
    Api,
    Chat,
    Gateway,
}

public enum ExecutionStatus
{
    Running,
    Succeeded,
    Failed,
    Denied,
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

    public RuleKind Kind => RuleKind.Forbidden;
}

public sealed class RequesterCannotDecideOwnRequest(int approverId, int? requestedForId) : IBusinessRule
{
    public bool IsBroken() => requestedForId == approverId;

    public string Message => "A request raised on your behalf must be decided by someone else.";

    public RuleKind Kind => RuleKind.Forbidden;
}

public sealed class ApproverMustNotHaveApprovedAlready(bool hasApproved) : IBusinessRule
{
    public bool IsBroken() => hasApproved;

    public string Message => "You have already approved this request; another eligible person must give the next approval.";
}

public sealed class ApproverMustBeActive(bool isActive) : IBusinessRule
{
    public bool IsBroken() => !isActive;

    public string Message => "A deactivated account cannot decide requests.";

    public RuleKind Kind => RuleKind.Forbidden;
}
