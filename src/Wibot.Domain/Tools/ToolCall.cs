namespace Wibot.Domain.Tools;

/// <summary>Where a tool call proposed in the chat stands.</summary>
public enum ToolCallStatus
{
    Running,
    Succeeded,
    Failed,
    PendingApproval,
    Rejected,
    Expired,
    Denied,
}

/// <summary>
/// A tool call the model proposed in a technician's conversation: run at once (L0), or waiting for
/// the Safeguard request raised on the technician's behalf, then continued by the model once decided.
/// </summary>
public sealed class ToolCall
{
    public const int ResultMaxLength = 8000;

    private ToolCall()
    {
        CallId = string.Empty;
        Server = string.Empty;
        Tool = string.Empty;
        Arguments = "{}";
    }

    public Guid Id { get; private set; }

    /// <summary>The id the model gave the call (echoed back with its result).</summary>
    public string CallId { get; private set; }

    public Guid ConversationId { get; private set; }

    /// <summary>The assistant message of the turn that proposed it.</summary>
    public Guid MessageId { get; private set; }

    public int UserId { get; private set; }

    public string Server { get; private set; }

    public string Tool { get; private set; }

    public string Arguments { get; private set; }

    public ToolLevel Level { get; private set; }

    public ToolCallStatus Status { get; private set; }

    /// <summary>The Safeguard request's number (L1–L4).</summary>
    public long? RequestNumber { get; private set; }

    public string? Result { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>When the model's continuation after the decision was claimed (it is written once).</summary>
    public DateTimeOffset? ContinuedAt { get; private set; }

    public static ToolCall Ran(string callId, Guid conversationId, Guid messageId, int userId, string server, string tool, string arguments, bool succeeded, string result, DateTimeOffset now) =>
        New(callId, conversationId, messageId, userId, server, tool, arguments, ToolLevel.L0, succeeded ? ToolCallStatus.Succeeded : ToolCallStatus.Failed, null, result, now);

    public static ToolCall Pending(string callId, Guid conversationId, Guid messageId, int userId, string server, string tool, string arguments, ToolLevel level, long requestNumber, DateTimeOffset now) =>
        New(callId, conversationId, messageId, userId, server, tool, arguments, level, ToolCallStatus.PendingApproval, requestNumber, null, now);

    /// <summary>Refused before anything ran (unknown or disabled tool, arguments not an object).</summary>
    public static ToolCall Refused(string callId, Guid conversationId, Guid messageId, int userId, string server, string tool, string arguments, string why, DateTimeOffset now) =>
        New(callId, conversationId, messageId, userId, server, tool, arguments, ToolLevel.L4, ToolCallStatus.Denied, null, why, now);

    /// <summary>Keeps the arguments as the application stores them (secret values sealed), before the call is first saved.</summary>
    public void StoreArgumentsAs(string storedJson)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(storedJson);
        Arguments = storedJson;
    }

    /// <summary>The Safeguard request was decided, expired, or its approved call ran: the outcome the model will be told.</summary>
    public void Settle(ToolCallStatus outcome, string? result, DateTimeOffset now)
    {
        if (Status != ToolCallStatus.PendingApproval)
        {
            throw new InvalidOperationException("Only a call pending approval is settled.");
        }

        Status = outcome;
        Result = Cut(result);
        UpdatedAt = now;
    }

    /// <summary>Claims the continuation (saved under the row version: one instance writes it).</summary>
    public void StartContinuation(DateTimeOffset now)
    {
        if (ContinuedAt is not null || Status == ToolCallStatus.PendingApproval)
        {
            throw new InvalidOperationException("The continuation is written once, after the decision.");
        }

        ContinuedAt = now;
    }

    private static ToolCall New(string callId, Guid conversationId, Guid messageId, int userId, string server, string tool, string arguments, ToolLevel level, ToolCallStatus status, long? requestNumber, string? result, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        CallId = callId,
        ConversationId = conversationId,
        MessageId = messageId,
        UserId = userId,
        Server = server,
        Tool = tool,
        Arguments = arguments,
        Level = level,
        Status = status,
        RequestNumber = requestNumber,
        Result = Cut(result),
        CreatedAt = now,
        UpdatedAt = now,
    };

    private static string? Cut(string? text) => text is null || text.Length <= ResultMaxLength ? text : text[..ResultMaxLength] + "…";
}
