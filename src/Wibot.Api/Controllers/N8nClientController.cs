using System.Text.Json.Serialization;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using Wibot.Api.Infrastructure;
using Wibot.Application.Conversations.DeleteConversation;
using Wibot.Application.Conversations.GetMessages;
using Wibot.Application.Conversations.RenameConversation;

namespace Wibot.Api.Controllers;

/// <summary>
/// Compatibility surface for the n8n-era web client (../shared/contract/n8n-client.md): its own paths and
/// shapes, sending the same commands and queries as the contract's controllers.
/// </summary>
[ApiController]
[Tags(Tag)]
public sealed class N8nClientController(ISender sender) : ControllerBase
{
    public const string Tag = "n8n-era client (compatibility)";

    /// <summary>n8n-era client: same as <c>GET /webhook/wibot/messages/{conversation_id}</c>.</summary>
    [HttpGet("/webhook/wibot/messages")]
    [ProducesResponseType<MessagesResponse>(StatusCodes.Status200OK)]
    public async Task<MessagesResponse> MessagesByQuery([FromQuery(Name = "conversationId")] string? conversationId, [FromQuery(Name = "conversation_id")] string? conversationIdSnake, CancellationToken ct) =>
        await sender.Send(new GetMessagesQuery(User.Id(), RequestValues.ConversationId(conversationId ?? conversationIdSnake, "conversationId")), ct);

    /// <summary>n8n-era client (older build): same as <c>GET /webhook/wibot/messages/{conversation_id}</c>.</summary>
    [HttpGet("/webhook/wibot/conversations/{id}/messages")]
    [ProducesResponseType<MessagesResponse>(StatusCodes.Status200OK)]
    public async Task<MessagesResponse> MessagesNested(string id, CancellationToken ct) =>
        await sender.Send(new GetMessagesQuery(User.Id(), RequestValues.ConversationId(id, "id")), ct);

    /// <summary>n8n-era client: rename, answered as <c>{success, conversation: {conversation_id, title, updated_at}}</c>.</summary>
    [HttpPatch("/webhook/wibot/conversation/rename")]
    [ProducesResponseType<LegacyRenameResponse>(StatusCodes.Status200OK)]
    public async Task<LegacyRenameResponse> LegacyRename([FromBody] LegacyConversationBody body, CancellationToken ct)
    {
        var renamed = await sender.Send(new RenameConversationCommand(User.Id(), RequestValues.ConversationId(body.ConversationId ?? body.ConversationIdSnake, "conversationId"), body.Title ?? string.Empty), ct);
        return new LegacyRenameResponse(new LegacyConversation(renamed.ConversationId, renamed.Title, renamed.UpdatedAt));
    }

    /// <summary>n8n-era client: delete; an id that is not the caller's answers <c>{success: false}</c> and deletes nothing.</summary>
    [HttpDelete("/webhook/wibot/conversation/delete")]
    [ProducesResponseType<LegacyDeleteResult>(StatusCodes.Status200OK)]
    public async Task<LegacyDeleteResult> LegacyDelete([FromBody] LegacyConversationBody body, CancellationToken ct)
    {
        var id = RequestValues.ConversationId(body.ConversationId ?? body.ConversationIdSnake, "conversationId");
        var deleted = await sender.Send(new DeleteConversationCommand(User.Id(), id), ct);
        return new LegacyDeleteResult(deleted, deleted ? id : null);
    }
}

public sealed record LegacyConversationBody(
    [property: JsonPropertyName("conversationId")] string? ConversationId,
    [property: JsonPropertyName("conversation_id")] string? ConversationIdSnake,
    string? Title);

public sealed record LegacyConversation(Guid ConversationId, string Title, DateTimeOffset UpdatedAt);

public sealed record LegacyRenameResponse(LegacyConversation Conversation);

public sealed record LegacyDeleteResult(bool Success, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Guid? DeletedConversationId);
