using System.Text.Json;
using System.Text.Json.Serialization;
using Mediator;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Wibot.Api.Infrastructure;
using Wibot.Application.Chat.SendChatMessage;
using Wibot.Application.Chat.StreamChatMessage;
using Wibot.Application.Common.Exceptions;
using Wibot.Application.Common.Interfaces;
using Wibot.Application.Common.Mapping;
using Wibot.Application.Common.Options;
using Wibot.Domain.Conversations;

namespace Wibot.Api.Controllers;

[ApiController]
public sealed class ChatController(ISender sender, IOptions<JsonOptions> json, IHostApplicationLifetime lifetime, IOptions<AttachmentOptions> attachmentOptions) : ControllerBase
{
    /// <summary>The largest body Kestrel lets through; the route narrows it to what the attachment bounds allow before reading.</summary>
    public const long MaxRequestBytes = 64L * 1024 * 1024;

    /// <summary>
    /// Sends a message (JSON, or multipart/form-data with a <c>file</c> part) and answers with the model's reply.
    /// With <c>Accept: text/event-stream</c> the answer streams as Server-Sent Events: meta, delta…, sources, done (or error).
    /// </summary>
    [HttpPost("/webhook/wibot/chat")]
    [EnableRateLimiting(ChatRateLimit.Policy)]
    [RequestSizeLimit(MaxRequestBytes)]
    [RequestFormLimits(MultipartBodyLengthLimit = MaxRequestBytes)]
    [Consumes("application/json", "multipart/form-data")]
    [ProducesResponseType<ChatTurnResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status415UnsupportedMediaType, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status429TooManyRequests, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status502BadGateway, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status503ServiceUnavailable, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status504GatewayTimeout, "application/problem+json")]
    public async Task Chat(CancellationToken ct)
    {
        var input = await ReadInputAsync(ct);
        var streaming = Request.Headers.Accept.Any(a => a is not null && a.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase));
        if (!streaming)
        {
            var response = await sender.Send(new SendChatMessageCommand(User.Id(), input.Message, input.Mode, input.ConversationId, input.Files), ct);
            await SuccessEnvelope.WriteAsync(Response, response, response.GetType(), json.Value.JsonSerializerOptions, ct);
            return;
        }

        // A stream ends when the client leaves or when the server shuts down; either way the partial
        // answer is stored and its usage charged before the process exits.
        using var streamStop = CancellationTokenSource.CreateLinkedTokenSource(ct, lifetime.ApplicationStopping);
        var events = sender.CreateStream(new StreamChatMessageCommand(User.Id(), input.Message, input.Mode, input.ConversationId, input.Files), streamStop.Token);
        await using var e = events.GetAsyncEnumerator(streamStop.Token);

        // Failures before the first event (validation, quota, not found) are ordinary problem+json answers.
        if (!await e.MoveNextAsync())
        {
            return;
        }

        HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        Response.StatusCode = StatusCodes.Status200OK;
        Response.ContentType = "text/event-stream; charset=utf-8";
        Response.Headers.CacheControl = "no-cache, no-store";
        Response.Headers["X-Accel-Buffering"] = "no";
        try
        {
            do
            {
                await WriteEventAsync(e.Current, ct);
            }
            while (await e.MoveNextAsync());
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            await WriteEventAsync(new ChatErrorEvent(503, "Service en cours d'arrêt.", "Le serveur redémarre : la réponse partielle est conservée dans la conversation."), CancellationToken.None);
        }
    }

    private async Task WriteEventAsync(ChatStreamEvent ev, CancellationToken ct)
    {
        var options = json.Value.JsonSerializerOptions;
        var data = ev switch
        {
            ChatSourcesEvent s => JsonSerializer.Serialize(s.Sources, options),
            _ => JsonSerializer.Serialize(ev, ev.GetType(), options),
        };
        await Response.WriteAsync($"event: {ev.Name}\ndata: {data}\n\n", ct);
        await Response.Body.FlushAsync(ct);
    }

    private async Task<ChatInput> ReadInputAsync(CancellationToken ct)
    {
        // The body is bounded by what the attachments may weigh (base64 included) before a byte is read:
        // a declared length past it is refused at once, a longer stream is cut by Kestrel.
        var limits = attachmentOptions.Value;
        var bound = (limits.MaxTotalBytes / 3 * 4) + (1024 * 1024);
        if (Request.ContentLength > bound)
        {
            throw new AttachmentRejectedException($"The message and its files exceed {limits.MaxTotalBytes / (1024 * 1024)} MB.", tooLarge: true);
        }

        if (HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = bound;
        }

        if (Request.HasFormContentType)
        {
            var form = await Request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = bound, ValueCountLimit = limits.MaxFiles + 16 }, ct);
            if (form.Files.Count > limits.MaxFiles)
            {
                throw new AttachmentRejectedException($"At most {limits.MaxFiles} files per message.", tooLarge: true);
            }

            var files = new List<ChatAttachment>();
            foreach (var file in form.Files)
            {
                if (file.Length > AttachmentLimits.MaxBytes)
                {
                    throw new AttachmentRejectedException($"The file '{file.FileName}' exceeds the 10 MB limit.", tooLarge: true);
                }

                using var buffer = new MemoryStream((int)file.Length);
                await file.CopyToAsync(buffer, ct);
                files.Add(new ChatAttachment(file.FileName, file.ContentType, buffer.ToArray()));
            }

            return new ChatInput(form["message"].ToString(), ParseMode(NullIfEmpty(form["mode"].ToString())), ParseConversationId(NullIfEmpty(form["conversation_id"].ToString())), files);
        }

        if (Request.ContentType is null || !MediaTypeHeaderValue.TryParse(Request.ContentType, out var media) || !media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            throw new UnsupportedMediaTypeException();
        }

        ChatBody? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<ChatBody>(Request.Body, json.Value.JsonSerializerOptions, ct);
        }
        catch (JsonException)
        {
            throw RequestValues.Invalid("body", "The request body is not valid JSON.");
        }

        if (body is null)
        {
            throw RequestValues.Invalid("body", "A JSON body is required.");
        }

        if (body.Files is { Count: var count } && count > limits.MaxFiles)
        {
            throw new AttachmentRejectedException($"At most {limits.MaxFiles} files per message.", tooLarge: true);
        }

        var attachments = new List<ChatAttachment>();
        foreach (var f in body.Files ?? [])
        {
            if (string.IsNullOrWhiteSpace(f.Name) || f.Content is null)
            {
                throw RequestValues.Invalid("files", "Each file needs a name and a base64 content.");
            }

            if (f.Content.Length > (AttachmentLimits.MaxBytes / 3 * 4) + 8)
            {
                throw new AttachmentRejectedException($"The file '{f.Name}' exceeds the 10 MB limit.", tooLarge: true);
            }

            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(f.Content);
            }
            catch (FormatException)
            {
                throw RequestValues.Invalid("files", $"The content of '{f.Name}' is not valid base64.");
            }

            attachments.Add(new ChatAttachment(f.Name, f.Type, bytes));
        }

        return new ChatInput(body.Message ?? string.Empty, ParseMode(body.Mode), ParseConversationId(body.ConversationId ?? body.ConversationIdCamel), attachments);
    }

    /// <summary>The mode, parsed once here: absent means flash.</summary>
    private static ChatMode ParseMode(string? value) =>
        value is null ? ChatMode.Flash
        : WireNames.TryParseMode(value, out var mode) ? mode
        : throw RequestValues.Invalid("mode", "mode must be flash, code or redaction.");

    private static Guid? ParseConversationId(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : RequestValues.ConversationId(value);

    private static string? NullIfEmpty(string value) => string.IsNullOrEmpty(value) ? null : value;

    private sealed record ChatInput(string Message, ChatMode Mode, Guid? ConversationId, IReadOnlyList<ChatAttachment> Files);
}

public sealed record ChatBody(
    string? Message,
    string? Mode,
    string? ConversationId,
    [property: JsonPropertyName("conversationId")] string? ConversationIdCamel,
    IReadOnlyList<ChatFileBody>? Files);

public sealed record ChatFileBody(string? Name, string? Content, string? Type);

internal static class AttachmentLimits
{
    public const long MaxBytes = 10L * 1024 * 1024;
}

/// <summary>The request's content type is not one the route reads (415).</summary>
public sealed class UnsupportedMediaTypeException() : Exception("Send application/json or multipart/form-data.");
