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

public sealed record CreateConversationBody(string? Title);

public sealed record RenameConversationBody(string? Title);
