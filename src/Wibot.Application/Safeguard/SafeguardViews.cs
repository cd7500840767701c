using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Wibot.Domain.Safeguard;
using Wibot.Domain.Users;

namespace Wibot.Application.Safeguard;

public sealed record SafeguardContext(JsonElement? TicketId, string? ClientName, string? Description);

/// <summary>
/// A Safeguard request as technicians and tool servers see it (contract fields, then the n8n-era
/// client's aliases), alone or in the queue; a decision's answer adds <see cref="Message"/>.
/// </summary>
public sealed record SafeguardRequestDto(
    string RequestId,
    string Tool,
    JsonElement Arguments,
    string Level,
    string Status,
    string Reason,
    string RequestedBy,
    string? RequestedFor,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    string? DecidedBy,
    DateTimeOffset? DecidedAt,
    string? Comment,
    bool CanDecide,
    string ApprovalId,
    string ToolName,
    string SecurityLevel,
    long TimeRemainingSeconds,
    SafeguardContext Context,
    string? Approver,
    string? ApprovalComment,
    string Origin,
    string? Server,
    Guid? ConversationId,
    string? ArgumentsSha256,
    SafeguardExecutionDto? Execution,
    int ApprovalsRequired,
    IReadOnlyList<SafeguardApprovalDto> Approvals,
    string? LevelRaisedFrom,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Message = null);

/// <summary>One person's approval of a request.</summary>
public sealed record SafeguardApprovalDto(string By, DateTimeOffset At, string? Comment);

/// <summary>What happened when WIBOT ran an approved call (chat and gateway requests).</summary>
public sealed record SafeguardExecutionDto(string Status, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? ResultExcerpt);

public static class SafeguardViews
{
    public static string StatusName(SafeguardStatus status) => status.ToString().ToLowerInvariant();

    public static string ExecutionName(ExecutionStatus status) => status.ToString().ToLowerInvariant();

    private static string? Excerpt(string? text) => text is null || text.Length <= 2000 ? text : text[..2000] + "…";

    public static SafeguardRequestDto ToDto(SafeguardRequest r, DateTimeOffset now, User? viewer, bool maskSecrets)
    {
        var status = r.StatusAt(now);
        var arguments = ParseArguments(r.Arguments, maskSecrets, r.SecretArguments);
        var canDecide = viewer is not null && r.CanBeDecidedBy(viewer, now);
        var remaining = status == SafeguardStatus.Pending ? Math.Max(0, (long)Math.Floor((r.ExpiresAt - now).TotalSeconds)) : 0;
        return new SafeguardRequestDto(
            r.RequestId, r.Tool, arguments, r.Level.ToString(), StatusName(status), r.Reason, r.RequestedBy, r.RequestedFor,
            r.CreatedAt, r.ExpiresAt, r.DecidedBy, r.DecidedAt, r.Comment, canDecide,
            r.RequestId, r.Tool, r.Level.ToString(), remaining,
            Context(r, arguments),
            r.DecidedBy, r.Comment,
            r.Origin.ToString().ToLowerInvariant(), r.Server, r.ConversationId, r.ArgumentsSha256,
            r.ExecutionStatus is { } x ? new SafeguardExecutionDto(ExecutionName(x), r.ExecutionStartedAt, r.ExecutionFinishedAt, Excerpt(r.ExecutionResult)) : null,
            r.ApprovalsRequired, [.. r.Approvals.Select(a => new SafeguardApprovalDto(a.By, a.At, a.Comment))], r.LevelRaisedFrom?.ToString());
    }

    /// <summary>The context the tool server sent, each missing field taken from the arguments (as the n8n-era servers put it there).</summary>
    private static SafeguardContext Context(SafeguardRequest r, JsonElement arguments)
    {
        JsonElement sent = default;
        if (r.Context is { } json)
        {
            try
            {
                using var parsed = JsonDocument.Parse(json);
                sent = parsed.RootElement.Clone();
            }
            catch (JsonException)
            {
                sent = default;
            }
        }

        var hasSent = sent.ValueKind == JsonValueKind.Object;
        return new SafeguardContext(
            (hasSent ? FindValue(sent, "ticket_id") : null) ?? FindValue(arguments, "ticket_id", "ticketId", "ticket"),
            (hasSent ? Find(sent, "client_name") : null) ?? Find(arguments, "client_name", "clientName", "client"),
            (hasSent ? Find(sent, "description") : null) ?? r.Reason);
    }

    public static SafeguardRequestDto WithMessage(SafeguardRequestDto d, string message) => d with { Message = message };

    /// <summary>Arguments are always an object; secret-looking values are masked where asked.</summary>
    public static JsonElement ParseArguments(string json, bool maskSecrets, IReadOnlyCollection<string>? declaredSecrets = null)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            node = null;
        }

        if (node is not JsonObject obj)
        {
            obj = new JsonObject { ["value"] = node?.DeepClone() };
        }

        if (maskSecrets)
        {
            Mask(obj, declaredSecrets);
        }

        return JsonSerializer.SerializeToElement(obj);
    }

    private static void Mask(JsonNode? node, IReadOnlyCollection<string>? declared)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    if (SecretNames.LooksSecret(name, declared) && obj[name] is not null)
                    {
                        obj[name] = "***";
                    }
                    else
                    {
                        Mask(obj[name], declared);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Mask(item, declared);
                }

                break;
        }
    }

    /// <summary>The value as the tool server sent it (a ticket number stays a number).</summary>
    private static JsonElement? FindValue(JsonElement arguments, params string[] names)
    {
        foreach (var name in names)
        {
            if (arguments.TryGetProperty(name, out var value) && value.ValueKind is not JsonValueKind.Null and not JsonValueKind.Undefined)
            {
                return value.Clone();
            }
        }

        return null;
    }

    private static string? Find(JsonElement arguments, params string[] names)
    {
        foreach (var name in names)
        {
            if (arguments.TryGetProperty(name, out var value) && value.ValueKind is not JsonValueKind.Null and not JsonValueKind.Undefined)
            {
                return value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
            }
        }

        return null;
    }
}
