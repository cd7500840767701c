using System.Text.Json;
using System.Text.Json.Serialization;
using Wibot.Application.Common.Interfaces;
using Wibot.Domain.Audit;
using Wibot.Domain.Safeguard;

namespace Wibot.Application.Safeguard;

/// <summary>
/// The one place Safeguard changes are saved: the requests' changes, then an audit entry and a signal
/// for each event the aggregates raised, all in one transaction (the signals are delivered at commit).
/// </summary>
public sealed class SafeguardJournal(IWibotDbContext db, ISafeguardPublisher signals)
{
    /// <summary>Saves the changes of <paramref name="requests"/> and records their events.</summary>
    /// <exception cref="Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException">Another instance changed one of them first.</exception>
    public async Task SaveAsync(IReadOnlyCollection<SafeguardRequest> requests, string? clientAddress, CancellationToken ct)
    {
        await using var transaction = await db.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct); // the ids of new requests exist from here on
        var events = requests.SelectMany(r => r.DequeueEvents()).ToList();
        foreach (var e in events)
        {
            db.AuditEntries.Add(ToAudit(e, clientAddress));
        }

        await db.SaveChangesAsync(ct);
        foreach (var e in events)
        {
            await signals.PublishAsync(ToSignal(e), ct);
        }

        await transaction.CommitAsync(ct);
    }

    private static AuditEntry ToAudit(ISafeguardEvent e, string? clientAddress)
    {
        var r = e.Request;
        return e switch
        {
            SafeguardRequestRaised => AuditEntry.Record(AuditActions.SafeguardRequested, e.At, null, r.RequestedBy, r.RequestId, true,
                JsonSerializer.Serialize(new RaisedDetails(
                    r.Tool, r.Level.ToString(), r.RequestedFor, SafeguardViews.ParseArguments(r.Arguments, maskSecrets: true, r.SecretArguments), r.ApprovalsRequired, r.LevelRaisedFrom?.ToString())),
                clientAddress),
            SafeguardRequestDecided d => AuditEntry.Record(
                d.Outcome == SafeguardStatus.Approved ? AuditActions.SafeguardApproved : AuditActions.SafeguardRejected, e.At, d.ApproverId, d.Approver, r.RequestId, true,
                JsonSerializer.Serialize(new DecidedDetails(r.Tool, r.Level.ToString(), r.Comment, r.Approvals.Count, r.ApprovalsRequired)),
                clientAddress),
            SafeguardApprovalRecorded a => AuditEntry.Record(AuditActions.SafeguardApprovalAdded, e.At, a.ApproverId, a.Approver, r.RequestId, true,
                JsonSerializer.Serialize(new DecidedDetails(r.Tool, r.Level.ToString(), r.Approvals[^1].Comment, a.Count, r.ApprovalsRequired)),
                clientAddress),
            SafeguardRequestExpired => AuditEntry.Record(AuditActions.SafeguardExpired, e.At, null, "system", r.RequestId, true, null, null),
            SafeguardRequestExecuted x => AuditEntry.Record(AuditActions.SafeguardExecuted, e.At, null, "system", r.RequestId, x.Outcome == ExecutionStatus.Succeeded,
                JsonSerializer.Serialize(new ExecutedDetails(r.Server, r.Tool, SafeguardViews.ExecutionName(x.Outcome), r.ArgumentsSha256, Excerpt(r.ExecutionResult))),
                null),
            _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "Unknown Safeguard event."),
        };
    }

    private static SafeguardSignal ToSignal(ISafeguardEvent e) => e switch
    {
        SafeguardRequestRaised => new("created", e.Request.RequestId, SafeguardViews.StatusName(SafeguardStatus.Pending)),
        SafeguardRequestDecided d => new("decided", e.Request.RequestId, SafeguardViews.StatusName(d.Outcome)),
        SafeguardApprovalRecorded => new("approval", e.Request.RequestId, SafeguardViews.StatusName(SafeguardStatus.Pending)),
        SafeguardRequestExecuted => new("executed", e.Request.RequestId, SafeguardViews.StatusName(e.Request.Status)),
        _ => new("expired", e.Request.RequestId, SafeguardViews.StatusName(SafeguardStatus.Expired)),
    };

    private sealed record RaisedDetails(
        [property: JsonPropertyName("tool")] string Tool,
        [property: JsonPropertyName("level")] string Level,
        [property: JsonPropertyName("requested_for")] string? RequestedFor,
        [property: JsonPropertyName("arguments")] JsonElement Arguments,
        [property: JsonPropertyName("approvals_required")] int ApprovalsRequired,
        [property: JsonPropertyName("level_raised_from"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? LevelRaisedFrom);

    private static string? Excerpt(string? text) => text is null || text.Length <= 500 ? text : text[..500] + "…";

    private sealed record ExecutedDetails(
        [property: JsonPropertyName("server")] string? Server,
        [property: JsonPropertyName("tool")] string Tool,
        [property: JsonPropertyName("execution")] string Execution,
        [property: JsonPropertyName("arguments_sha256")] string? ArgumentsSha256,
        [property: JsonPropertyName("result_excerpt")] string? ResultExcerpt);

    private sealed record DecidedDetails(
        [property: JsonPropertyName("tool")] string Tool,
        [property: JsonPropertyName("level")] string Level,
        [property: JsonPropertyName("comment")] string? Comment,
        [property: JsonPropertyName("approvals")] int Approvals,
        [property: JsonPropertyName("approvals_required")] int ApprovalsRequired);
}
