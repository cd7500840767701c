namespace Wibot.Domain.Audit;

/// <summary>One line of the append-only audit log: who did what, to what, when and from where.</summary>
public sealed class AuditEntry
{
    public const int ActionMaxLength = 64;
    public const int ActorNameMaxLength = 100;
    public const int TargetMaxLength = 200;
    public const int ClientAddressMaxLength = 64;

    private AuditEntry()
    {
        Action = string.Empty;
    }

    public long Id { get; private set; }

    public DateTimeOffset OccurredAt { get; private set; }

    public int? ActorUserId { get; private set; }

    public string? ActorName { get; private set; }

    public string Action { get; private set; }

    public string? Target { get; private set; }

    public bool Succeeded { get; private set; }

    /// <summary>JSON object with the details (before → after); never a secret.</summary>
    public string? Details { get; private set; }

    public string? ClientAddress { get; private set; }

    public static AuditEntry Record(
        string action,
        DateTimeOffset now,
        int? actorUserId,
        string? actorName,
        string? target,
        bool succeeded,
        string? details,
        string? clientAddress)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        return new AuditEntry
        {
            Action = Cut(action, ActionMaxLength)!,
            OccurredAt = now,
            ActorUserId = actorUserId,
            ActorName = Cut(actorName, ActorNameMaxLength),
            Target = Cut(target, TargetMaxLength),
            Succeeded = succeeded,
            Details = details,
            ClientAddress = Cut(clientAddress, ClientAddressMaxLength),
        };
    }

    private static string? Cut(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}

public static class AuditActions
{
    public const string LoginSucceeded = "auth.login.succeeded";
    public const string LoginFailed = "auth.login.failed";
    public const string LoginThrottled = "auth.login.throttled";
    public const string BootstrapAdminCreated = "auth.bootstrap_admin.created";
    public const string PasswordChanged = "auth.password.changed";
    public const string PasswordChangeFailed = "auth.password.change_failed";
    public const string UserCreated = "admin.user.created";
    public const string UserUpdated = "admin.user.updated";
    public const string UserDeleted = "admin.user.deleted";
    public const string QuotaAdjusted = "admin.quota.adjusted";
    public const string ApiKeyCreated = "admin.api_key.created";
    public const string ApiKeyRevoked = "admin.api_key.revoked";
    public const string SafeguardRequested = "safeguard.requested";
    public const string SafeguardApproved = "safeguard.approved";

    /// <summary>One approval of a request that needs more (the two-person rule); the request stays pending.</summary>
    public const string SafeguardApprovalAdded = "safeguard.approval_added";
    public const string SafeguardRejected = "safeguard.rejected";
    public const string SafeguardExpired = "safeguard.expired";
    public const string SafeguardExecuted = "safeguard.executed";
    public const string ChatToolCall = "chat.tool_call";
    public const string ChatContinued = "chat.continued";
    public const string DocumentsIngested = "rag.ingested";
    public const string ToolServerRegistered = "admin.mcp_server.registered";
    public const string ToolServerUpdated = "admin.mcp_server.updated";
    public const string ToolServerRefreshed = "admin.mcp_server.refreshed";
    public const string ToolServerDeleted = "admin.mcp_server.deleted";
    public const string ToolClassified = "admin.mcp_tool.classified";
}
