using System.Text.Json;
using Mediator;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Wibot.Api.Infrastructure;
using Wibot.Application.ApiKeys.CreateApiKey;
using Wibot.Application.ApiKeys.GetApiKeys;
using Wibot.Application.ApiKeys.RevokeApiKey;
using Wibot.Application.Common.Interfaces;
using Wibot.Application.Common.Options;
using Wibot.Application.Safeguard;
using Wibot.Application.Safeguard.ApproveSafeguardRequest;
using Wibot.Application.Safeguard.GetSafeguardRequest;
using Wibot.Application.Safeguard.GetSafeguardRequests;
using Wibot.Application.Safeguard.RaiseSafeguardRequest;
using Wibot.Application.Safeguard.RejectSafeguardRequest;

namespace Wibot.Api.Controllers;

[ApiController]
public sealed class SafeguardController(ISender sender) : ControllerBase
{
    private const string Both = JwtBearerDefaults.AuthenticationScheme + "," + ApiKeyAuthenticationHandler.SchemeName;

    /// <summary>
    /// The queue (technicians): pending by default, oldest first, each with <c>can_decide</c> for the caller.
    /// <c>after</c> (the previous page's <c>next_after</c>, a request id) pages forward; <c>total</c> counts the status.
    /// </summary>
    [HttpGet("/webhook/wibot/safeguard/requests")]
    [ProducesResponseType<SafeguardListResponse>(StatusCodes.Status200OK)]
    public async Task<SafeguardListResponse> List([FromQuery] string? status, [FromQuery] int? limit, [FromQuery] string? after, CancellationToken ct) =>
        await sender.Send(new GetSafeguardRequestsQuery(User.Id(), (status ?? "pending").ToLowerInvariant(), RequestValues.Limit(limit), after), ct);

    /// <summary>A tool server (X-Api-Key) asks for approval of an action of level L1–L4.</summary>
    [HttpPost("/webhook/wibot/safeguard/requests")]
    [Authorize(AuthenticationSchemes = ApiKeyAuthenticationHandler.SchemeName)]
    [ProducesResponseType<SafeguardRequestDto>(StatusCodes.Status201Created)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    public async Task<IActionResult> Raise([FromBody] RaiseSafeguardBody body, CancellationToken ct)
    {
        var key = ApiKeyAuthenticationHandler.KeyOf(User)!;
        var created = await sender.Send(new RaiseSafeguardRequestCommand(
            key.Name, key.KeyId, body.Tool ?? string.Empty, body.Arguments, body.Level ?? string.Empty,
            body.Reason ?? string.Empty, body.RequestedFor, body.TtlSeconds, ClientAddress.Of(HttpContext), body.SecretArguments, body.Context), ct);
        return Created($"/webhook/wibot/safeguard/requests/{created.RequestId}", created);
    }

    /// <summary>One request; with <c>wait</c> (seconds, ≤ 60) the answer is held until it is decided or expires.</summary>
    [HttpGet("/webhook/wibot/safeguard/requests/{requestId}")]
    [Authorize(AuthenticationSchemes = Both)]
    [ProducesResponseType<SafeguardRequestDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<SafeguardRequestDto> Get(string requestId, [FromQuery] int? wait, CancellationToken ct)
    {
        if (wait is < 0)
        {
            throw RequestValues.Invalid("wait", "wait must be a number of seconds, 0 to 60.");
        }

        var key = ApiKeyAuthenticationHandler.KeyOf(User);
        return await sender.Send(new GetSafeguardRequestQuery(requestId, wait ?? 0, key is null ? User.Id() : null, key), ct);
    }

    /// <summary>
    /// Approves a request (the accreditation matrix applies; 409 once decided or expired, or when the caller has already approved it).
    /// Under the two-person rule an approval that does not close the request answers 200 with the request still pending.
    /// </summary>
    [HttpPost("/webhook/wibot/safeguard/approve")]
    [ProducesResponseType<SafeguardRequestDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public async Task<SafeguardRequestDto> Approve([FromBody] DecisionBody body, CancellationToken ct) =>
        await sender.Send(new ApproveSafeguardRequestCommand(User.Id(), body.RequestId ?? body.ApprovalId ?? string.Empty, body.Comment, ClientAddress.Of(HttpContext)), ct);

    /// <summary>Rejects a request; a comment is required (the n8n-era client's <c>approval_id</c> with an empty comment is accepted).</summary>
    [HttpPost("/webhook/wibot/safeguard/reject")]
    [ProducesResponseType<SafeguardRequestDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public async Task<SafeguardRequestDto> Reject([FromBody] DecisionBody body, CancellationToken ct) =>
        await sender.Send(new RejectSafeguardRequestCommand(
            User.Id(), body.RequestId ?? body.ApprovalId ?? string.Empty, body.Comment, CommentOptional: body.RequestId is null && body.ApprovalId is not null,
            ClientAddress.Of(HttpContext)), ct);

    /// <summary>
    /// Live updates (Server-Sent Events): <c>created</c>, <c>decided</c> and <c>expired</c> with the request id and status.
    /// The stream ends when the token expires or the user may no longer listen (checked at each keep-alive);
    /// a user has at most <c>Safeguard:MaxEventStreamsPerUser</c> streams open (429 past it).
    /// </summary>
    [HttpGet("/webhook/wibot/safeguard/events")]
    public async Task Events(
        [FromServices] ISafeguardSignals signals, [FromServices] IUserSessionCache sessions, [FromServices] EventStreamRegistry registry,
        [FromServices] IOptions<SafeguardOptions> options, [FromServices] IOptions<JsonOptions> json, CancellationToken ct)
    {
        var userId = User.Id();
        var stamp = User.FindFirst("sst")?.Value;
        using var slot = registry.TryOpen(userId, Math.Max(1, options.Value.MaxEventStreamsPerUser))
            ?? throw new Application.Common.Exceptions.TooManyRequestsException("Too many live event streams open for this user.", TimeSpan.FromSeconds(5));
        HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        Response.ContentType = "text/event-stream; charset=utf-8";
        Response.Headers.CacheControl = "no-cache, no-store";
        Response.Headers["X-Accel-Buffering"] = "no";
        await Response.WriteAsync(": connected\n\n", ct);
        await Response.Body.FlushAsync(ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (long.TryParse(User.FindFirst("exp")?.Value, out var exp))
        {
            var left = DateTimeOffset.FromUnixTimeSeconds(exp) - DateTimeOffset.UtcNow;
            stop.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }

        var keepAlive = TimeSpan.FromSeconds(Math.Max(1, options.Value.EventKeepAliveSeconds));
        var stream = signals.SubscribeAsync(stop.Token).GetAsyncEnumerator(stop.Token);
        var next = stream.MoveNextAsync().AsTask();
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var done = await Task.WhenAny(next, Task.Delay(keepAlive, stop.Token));
                if (done != next)
                {
                    if (stop.IsCancellationRequested || !await sessions.IsValidAsync(userId, stamp, ct))
                    {
                        break;
                    }

                    await Response.WriteAsync(": keep-alive\n\n", ct);
                    await Response.Body.FlushAsync(ct);
                    continue;
                }

                if (!await next)
                {
                    break;
                }

                var s = stream.Current;
                var data = JsonSerializer.Serialize(new { request_id = s.RequestId, status = s.Status }, json.Value.JsonSerializerOptions);
                await Response.WriteAsync($"event: {s.Kind}\ndata: {data}\n\n", ct);
                await Response.Body.FlushAsync(ct);
                next = stream.MoveNextAsync().AsTask();
            }

            if (!ct.IsCancellationRequested)
            {
                // The session ended (token expired, user deactivated or changed): tell the client before closing.
                await Response.WriteAsync("event: end\ndata: {\"reason\":\"session\"}\n\n", CancellationToken.None);
                await Response.Body.FlushAsync(CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // the technician closed the page, or the token expired
        }
        finally
        {
            // An async iterator cannot be disposed while a MoveNext is pending: stop it first.
            await stop.CancelAsync();
            try
            {
                await next;
            }
            catch (OperationCanceledException)
            {
            }

            await stream.DisposeAsync();
        }
    }

    /// <summary>Creates a tool server's API key; the key is shown this once.</summary>
    [HttpPost("/webhook/wibot/admin/api-keys")]
    [Authorize(Policy = Policies.Admin)]
    [ProducesResponseType<CreatedApiKeyResponse>(StatusCodes.Status201Created)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public async Task<IActionResult> CreateKey([FromBody] CreateApiKeyBody body, CancellationToken ct) =>
        StatusCode(StatusCodes.Status201Created, await sender.Send(new CreateApiKeyCommand(User.Id(), body.Name ?? string.Empty, ClientAddress.Of(HttpContext)), ct));

    /// <summary>The tool servers' keys (never the keys themselves).</summary>
    [HttpGet("/webhook/wibot/admin/api-keys")]
    [Authorize(Policy = Policies.Admin)]
    [ProducesResponseType<ApiKeysResponse>(StatusCodes.Status200OK)]
    public async Task<ApiKeysResponse> ListKeys(CancellationToken ct) => await sender.Send(new GetApiKeysQuery(), ct);

    /// <summary>Revokes a key: it is refused (401) from the next request on.</summary>
    [HttpDelete("/webhook/wibot/admin/api-keys/{keyId}")]
    [Authorize(Policy = Policies.Admin)]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    public async Task<IActionResult> RevokeKey(string keyId, CancellationToken ct)
    {
        if (!Guid.TryParse(keyId, out var id))
        {
            throw new Application.Common.Exceptions.NotFoundException("API key");
        }

        await sender.Send(new RevokeApiKeyCommand(User.Id(), id, ClientAddress.Of(HttpContext)), ct);
        return NoContent();
    }
}

/// <summary>A tool server's request; <c>secret_arguments</c> names arguments to mask for technicians besides those whose names look secret.</summary>
public sealed record RaiseSafeguardBody(
    string? Tool, JsonElement? Arguments, string? Level, string? Reason, string? RequestedFor, int? TtlSeconds, IReadOnlyList<string>? SecretArguments = null, JsonElement? Context = null);

public sealed record DecisionBody(string? RequestId, string? ApprovalId, string? Comment);

public sealed record CreateApiKeyBody(string? Name);
