using System.Text.Json.Serialization;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using Wibot.Api.Infrastructure;
using Wibot.Application.Common.Exceptions;
using Wibot.Application.Conversations;
using Wibot.Application.Conversations.CreateConversation;
using Wibot.Application.Conversations.DeleteConversation;
using Wibot.Application.Conversations.GetConversations;
using Wibot.Application.Conversations.GetMessages;
using Wibot.Application.Conversations.RenameConversation;

namespace Wibot.Api.Controllers;

[ApiController]
public sealed class ConversationsController(ISender sender) : ControllerBase
{
    /// <summary>
    /// The caller's conversations, most recently active first. <c>before</c> is the cursor: the <c>next_before</c>
    /// of the previous page (a conversation id; rows sharing a timestamp are never skipped), or a timestamp.
    /// </summary>
    [HttpGet("/webhook/wibot/conversations")]
    [ProducesResponseType<ConversationsResponse>(StatusCodes.Status200OK)]
    public async Task<ConversationsResponse> List([FromQuery] int? limit, [FromQuery] string? before, CancellationToken ct) =>
        await sender.Send(Guid.TryParse(before, out var id)
            ? new GetConversationsQuery(User.Id(), RequestValues.Limit(limit), null, id)
            : new GetConversationsQuery(User.Id(), RequestValues.Limit(limit), RequestValues.Timestamp(before, "before")), ct);

    /// <summary>Creates an empty conversation.</summary>
    [HttpPost("/webhook/wibot/conversations")]
    [ProducesResponseType<ConversationDto>(StatusCodes.Status201Created)]
    public async Task<IActionResult> Create([FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] CreateConversationBody? body, CancellationToken ct)
    {
        var created = await sender.Send(new CreateConversationCommand(User.Id(), body?.Title), ct);
        return Created($"/webhook/wibot/messages/{created.ConversationId}", created);
    }

    /// <summary>Renames one of the caller's conversations.</summary>
    [HttpPut("/webhook/wibot/conversations/{id}")]
    [ProducesResponseType<ConversationDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<ConversationDto> Rename(string id, [FromBody] RenameConversationBody body, CancellationToken ct) =>
        await sender.Send(new RenameConversationCommand(User.Id(), RequestValues.ConversationId(id, "id"), body.Title ?? string.Empty), ct);

    /// <summary>Deletes one of the caller's conversations with its messages.</summary>
    [HttpDelete("/webhook/wibot/conversations/{id}")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> Delete(string id, CancellationToken ct) =>
        await sender.Send(new DeleteConversationCommand(User.Id(), RequestValues.ConversationId(id, "id")), ct)
            ? NoContent()
            : throw new NotFoundException("Conversation");

    /// <summary>The messages of one of the caller's conversations, oldest first.</summary>
    [HttpGet("/webhook/wibot/messages/{conversationId}")]
    [ProducesResponseType<MessagesResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<MessagesResponse> Messages(string conversationId, CancellationToken ct) =>
        await sender.Send(new GetMessagesQuery(User.Id(), RequestValues.ConversationId(conversationId)), ct);
}

/// <summary>Live events of one conversation: its tool calls changing status, and the continuations stored after a decision.</summary>
[ApiController]
public sealed class ConversationEventsController(ISender sender) : ControllerBase
{
    /// <summary>
    /// Server-Sent Events for one of the caller's conversations (404 otherwise): <c>tool_call</c>
    /// <c>{call_id, tool, status, request_id}</c> when a call changes status, <c>message</c> <c>{message}</c> when
    /// the assistant's continuation is stored. Ends with the session, like the Safeguard stream.
    /// </summary>
    [HttpGet("/webhook/wibot/conversations/{conversationId:guid}/events")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task Events(
        Guid conversationId, [FromServices] Application.Common.Interfaces.ISafeguardSignals signals, [FromServices] Application.Common.Interfaces.IUserSessionCache sessions,
        [FromServices] EventStreamRegistry registry, [FromServices] Microsoft.Extensions.Options.IOptions<Application.Common.Options.SafeguardOptions> options,
        [FromServices] Microsoft.Extensions.Options.IOptions<JsonOptions> json, CancellationToken ct)
    {
        var userId = User.Id();
        var stamp = User.FindFirst(Application.Common.Security.WibotClaims.Stamp)?.Value;
        var known = (await sender.Send(new GetMessagesQuery(userId, conversationId), ct)).Messages; // 404 when not the caller's
        var statuses = known.SelectMany(m => m.ToolCalls).ToDictionary(c => c.CallId, c => c.Status, StringComparer.Ordinal);
        var seenMessages = known.Select(m => m.MessageId).ToHashSet();
        using var slot = registry.TryOpen(userId, Math.Max(1, options.Value.MaxEventStreamsPerUser))
            ?? throw new TooManyRequestsException("Too many live event streams open for this user.", TimeSpan.FromSeconds(5));
        HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();
        Response.ContentType = "text/event-stream; charset=utf-8";
        Response.Headers.CacheControl = "no-cache, no-store";
        Response.Headers["X-Accel-Buffering"] = "no";
        await Response.WriteAsync(": connected\n\n", ct);
        await Response.Body.FlushAsync(ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var keepAlive = TimeSpan.FromSeconds(Math.Max(1, options.Value.EventKeepAliveSeconds));
        var stream = signals.SubscribeAsync(stop.Token).GetAsyncEnumerator(stop.Token);
        var next = stream.MoveNextAsync().AsTask();
        var serializer = json.Value.JsonSerializerOptions;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var done = await Task.WhenAny(next, Task.Delay(keepAlive, stop.Token));
                if (done != next)
                {
                    if (!await sessions.IsValidAsync(userId, stamp, ct))
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

                if (statuses.Count > 0 || stream.Current.Kind == "continued")
                {
                    // Something Safeguard did may concern this conversation: compare with what the client has seen.
                    var now = (await sender.Send(new GetMessagesQuery(userId, conversationId), ct)).Messages;
                    foreach (var call in now.SelectMany(m => m.ToolCalls))
                    {
                        if (!statuses.TryGetValue(call.CallId, out var before) || before != call.Status)
                        {
                            statuses[call.CallId] = call.Status;
                            await Response.WriteAsync($"event: tool_call\ndata: {System.Text.Json.JsonSerializer.Serialize(call, serializer)}\n\n", ct);
                        }
                    }

                    foreach (var message in now.Where(m => seenMessages.Add(m.MessageId)))
                    {
                        await Response.WriteAsync($"event: message\ndata: {System.Text.Json.JsonSerializer.Serialize(new { message }, serializer)}\n\n", ct);
                    }

                    await Response.Body.FlushAsync(ct);
                }

                next = stream.MoveNextAsync().AsTask();
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // the technician left the conversation
        }
        finally
        {
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
}

public sealed record CreateConversationBody(string? Title);

public sealed record RenameConversationBody(string? Title);
