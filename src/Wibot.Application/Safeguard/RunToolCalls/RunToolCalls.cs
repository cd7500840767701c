using System.Text.Json;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Wibot.Application.Common.Interfaces;
using Wibot.Application.Tools;
using Wibot.Domain.Safeguard;
using Wibot.Domain.Tools;

namespace Wibot.Application.Safeguard.RunToolCalls;

/// <summary>
/// Runs the approved tool calls that WIBOT executes itself (gateway and chat requests): one request
/// when a decision is signalled, or every one still waiting (after a restart, or a missed signal).
/// Returns how many calls reached their server.
/// </summary>
public sealed record RunToolCallsCommand(string? RequestId = null) : ICommand<int>;

public sealed class RunToolCallsHandler(
    IWibotDbContext db, SafeguardJournal journal, IToolServerClient client, ISecretProtector protector, Chat.ToolCallContinuation continuation, TimeProvider clock)
    : ICommandHandler<RunToolCallsCommand, int>
{
    /// <summary>Longer than any call may take (the client's own timeout is 30 s): a call running this long was interrupted.</summary>
    public static readonly TimeSpan InterruptedAfter = TimeSpan.FromMinutes(2);

    public async ValueTask<int> Handle(RunToolCallsCommand command, CancellationToken cancellationToken)
    {
        await AbandonInterruptedAsync(cancellationToken);
        var ids = command.RequestId is { } one
            ? SafeguardRequest.TryParseId(one, out var id) ? [id] : []
            : await db.SafeguardRequests.AsNoTracking()
                .Where(r => r.ServerId != null && r.Status == SafeguardStatus.Approved && r.ExecutionStatus == null)
                .OrderBy(r => r.Id).Select(r => r.Id).Take(100).ToListAsync(cancellationToken);
        var ran = 0;
        foreach (var requestId in ids)
        {
            ran += await RunOneAsync(requestId, cancellationToken) ? 1 : 0;
        }

        await ContinueSettledChatCallsAsync(command.RequestId, cancellationToken);
        return ran;
    }

    /// <summary>Chat calls whose request is settled (run, denied, rejected, expired) and whose conversation has not been continued yet.</summary>
    private async Task ContinueSettledChatCallsAsync(string? requestId, CancellationToken ct)
    {
        var numbers = requestId is not null
            ? SafeguardRequest.TryParseId(requestId, out var one) ? [one] : []
            : await db.ToolCalls.AsNoTracking().Where(c => c.ContinuedAt == null && c.RequestNumber != null)
                .Select(c => c.RequestNumber!.Value).Distinct().Take(50).ToListAsync(ct);
        foreach (var number in numbers)
        {
            var request = await db.SafeguardRequests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == number, ct);
            if (request is { Origin: RequestOrigin.Chat })
            {
                await continuation.ContinueAsync(request, ct);
            }
        }
    }

    private async Task<bool> RunOneAsync(long id, CancellationToken ct)
    {
        var request = await db.SafeguardRequests.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (request is null || !request.AwaitsExecution)
        {
            return false;
        }

        var server = await db.ToolServers.AsNoTracking().Include(s => s.Tools).FirstOrDefaultAsync(s => s.Id == request.ServerId, ct);
        var approver = request.DecidedById is { } a ? await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == a, ct) : null;
        var now = clock.GetUtcNow();
        var clear = SealedArguments.Open(request.Arguments, protector);
        if (Recheck(request, clear, server, approver) is { } denial)
        {
            request.DenyExecution(denial, now);
            await ClaimAsync(() => journal.SaveAsync([request], null, ct));
            return false;
        }

        // The claim: saved under the request's row version, so that one instance, one click, one
        // sweep wins it; every other attempt sees a concurrent change and stops.
        request.StartExecution(now);
        if (!await ClaimAsync(() => db.SaveChangesAsync(ct)))
        {
            return false;
        }

        bool succeeded;
        string text;
        try
        {
            using var arguments = JsonDocument.Parse(clear);
            var result = await client.CallToolAsync(ToolServerHeaders.EndpointOf(server!, protector), request.Tool, arguments.RootElement, request.RequestId, ct);
            (succeeded, text) = (!result.IsError, result.Text);
        }
        catch (ToolServerUnavailableException unavailable)
        {
            (succeeded, text) = (false, unavailable.Message);
        }

        request.FinishExecution(succeeded, text, clock.GetUtcNow());
        await journal.SaveAsync([request], null, CancellationToken.None);
        return true;
    }

    /// <summary>What must still hold when the approved call runs; the reason it must not run otherwise.</summary>
    private static string? Recheck(SafeguardRequest request, string clearArguments, ToolServer? server, Domain.Users.User? approver)
    {
        if (server is null || server.Name != request.Server)
        {
            return "The tool server is no longer registered.";
        }

        if (!ToolCallBinding.Matches(request.ArgumentsSha256, server.Name, request.Tool, clearArguments))
        {
            return "The arguments are not the ones that were approved.";
        }

        var tool = server.Tool(request.Tool);
        if (!server.Enabled || tool is null || !tool.Enabled)
        {
            return "The tool or its server is disabled or no longer exists.";
        }

        if ((int)tool.Level > (int)request.Level)
        {
            return $"The tool's level was raised to {tool.Level} since the request ({request.Level}).";
        }

        if (approver is null || !approver.IsActive || (tool.Level != ToolLevel.L0 && !AccreditationMatrix.CanDecide(approver.AccreditationLevel, (ActionLevel)(int)tool.Level)))
        {
            return "The approver's accreditation no longer covers the tool's level.";
        }

        return null;
    }

    private async Task AbandonInterruptedAsync(CancellationToken ct)
    {
        var before = clock.GetUtcNow() - InterruptedAfter;
        var interrupted = await db.SafeguardRequests
            .Where(r => r.ExecutionStatus == ExecutionStatus.Running && r.ExecutionStartedAt < before)
            .Take(100).ToListAsync(ct);
        if (interrupted.Count == 0)
        {
            return;
        }

        var now = clock.GetUtcNow();
        interrupted.ForEach(r => r.AbandonInterruptedExecution(now));
        await ClaimAsync(() => journal.SaveAsync(interrupted, null, ct));
    }

    private static async Task<bool> ClaimAsync(Func<Task> save)
    {
        try
        {
            await save();
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false; // another instance or click got there first
        }
    }
}
