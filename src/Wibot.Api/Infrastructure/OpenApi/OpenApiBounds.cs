using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;
using Wibot.Application.Admin;
using Wibot.Application.ApiKeys;
using Wibot.Application.Auth.Login;
using Wibot.Application.Rag.SearchDocuments;
using Wibot.Application.Safeguard.RaiseSafeguardRequest;
using Wibot.Application.Chat.SendChatMessage;
using Wibot.Application.Common.Validation;
using Wibot.Domain.Conversations;
using Wibot.Domain.Safeguard;
using Wibot.Domain.Users;

namespace Wibot.Api.Infrastructure.OpenApi;

/// <summary>
/// Writes into the OpenAPI document the bounds the API enforces or the data cannot exceed, so that
/// generated clients and linters see them: lengths from the validators and the storage columns, the
/// allowed values of the wire enums, the validators' numeric ranges, and the formats of ids and dates.
/// A field is looked up as <c>Schema.field</c> first (one concept named like another), then <c>field</c>;
/// parameters as <c>in:name</c>. Every number below names the constant it comes from.
/// </summary>
internal sealed class OpenApiBounds : IDocumentFilter
{
    private const int RequestIdMaxLength = SafeguardRequest.IdMaxLength;
    private const int UuidMaxLength = 68; // the longest form Guid.TryParse accepts ({0x…,…})
    private const int TimestampMaxLength = 40; // ISO 8601 with fraction and offset
    private const int RagPathMaxLength = 1000; // rag_documents.path
    private const int RagNameMaxLength = 300; // rag_documents.name
    private const int RagTitleMaxLength = 500; // rag_documents.title
    private const int RagTypeMaxLength = SearchRules.TypeMaxLength;
    private const int RagClientMaxLength = SearchRules.ClientMaxLength;
    private const int RagTagMaxLength = 100; // rag_documents.tags items
    private const int ArgumentsMaxLength = 65_536; // Safeguard arguments, whole

    private static readonly Dictionary<string, int> Lengths = new(StringComparer.Ordinal)
    {
        ["username"] = User.UsernameMaxLength,
        ["LoginBody.username"] = LoginRules.UsernameMaxLength,
        ["LoginBody.password"] = LoginRules.PasswordMaxLength,
        ["current_password"] = LoginRules.PasswordMaxLength,
        ["password"] = PasswordRules.MaximumLength,
        ["new_password"] = PasswordRules.MaximumLength,
        ["email"] = User.EmailMaxLength,
        ["title"] = Conversation.TitleMaxLength,
        ["IndexedDocument.title"] = RagTitleMaxLength,
        ["RegisterToolServerBody.name"] = Domain.Tools.ToolServer.NameMaxLength,
        ["ToolServerDto.name"] = Domain.Tools.ToolServer.NameMaxLength,
        ["url"] = Domain.Tools.ToolServer.UrlMaxLength,
        ["ToolServerDto.error"] = Domain.Tools.ToolServer.ErrorMaxLength,
        ["ToolDto.name"] = Domain.Tools.ServerTool.NameMaxLength,
        ["header_names[]"] = 100, // an HTTP token, as the validator allows
        ["headers{}"] = Application.Tools.ToolServerRules.HeaderValueMaxLength,
        ["path:tool"] = Domain.Tools.ServerTool.NameMaxLength,
        ["SafeguardRequestDto.server"] = Domain.Tools.ToolServer.NameMaxLength,
        ["SafeguardApprovalDto.by"] = Domain.Safeguard.SafeguardRequest.NameMaxLength,
        ["arguments_sha256"] = 64, // SHA-256 in hex
        ["call_id"] = 200, // chat_tool_calls.call_id
        ["result_excerpt"] = 2001, // SafeguardViews' excerpt: 2,000 characters and an ellipsis
        ["SearchResultDto.title"] = RagTitleMaxLength,
        ["ChatSource.title"] = RagTitleMaxLength,
        ["name"] = ApiKey.NameMaxLength,
        ["key"] = ApiKeySecrets.Length,
        ["token"] = 4096, // a JWT of WIBOT's handful of claims (usernames are short) stays far below
        ["tool"] = SafeguardRequest.ToolMaxLength,
        ["tool_name"] = SafeguardRequest.ToolMaxLength,
        ["reason"] = SafeguardRequest.ReasonMaxLength,
        ["SafeguardContext.description"] = SafeguardRequest.ReasonMaxLength,
        ["requested_by"] = SafeguardRequest.NameMaxLength,
        ["requested_for"] = SafeguardRequest.NameMaxLength,
        ["decided_by"] = SafeguardRequest.NameMaxLength,
        ["approver"] = SafeguardRequest.NameMaxLength,
        ["comment"] = SafeguardRequest.CommentMaxLength,
        ["approval_comment"] = SafeguardRequest.CommentMaxLength,
        ["client_name"] = ArgumentsMaxLength,
        ["request_id"] = RequestIdMaxLength,
        ["approval_id"] = RequestIdMaxLength,
        ["SafeguardRequestDto.message"] = 200, // "Demande APR-… approuvée."
        ["attachment_name"] = Message.AttachmentNameMaxLength,
        ["attachment_type"] = Message.AttachmentTypeMaxLength,
        ["MessageDto.content"] = SendChatMessageValidator.MaxMessageLength,
        ["document"] = RagNameMaxLength,
        ["path"] = RagPathMaxLength,
        ["type"] = RagTypeMaxLength,
        ["client"] = RagClientMaxLength,
        ["tags[]"] = RagTagMaxLength,
        ["secret_arguments[]"] = RaiseRules.SecretArgumentNameMaxLength,
        ["conversationId"] = UuidMaxLength,
        ["conversation_id"] = UuidMaxLength,
        ["month"] = 7, // YYYY-MM
        ["ProblemDetails.type"] = 200,
        ["ProblemDetails.title"] = 200,
        ["ProblemDetails.detail"] = 2000,
        ["ProblemDetails.instance"] = 8192, // a request target (Kestrel's request line limit)
        ["query:q"] = SearchRules.QueryMaxLength,
        ["query:type"] = RagTypeMaxLength,
        ["query:client"] = RagClientMaxLength,
        ["query:before"] = UuidMaxLength, // a conversation id (the previous page's next_before) or a timestamp
        ["query:from"] = TimestampMaxLength,
        ["query:to"] = TimestampMaxLength,
        ["query:conversationId"] = UuidMaxLength,
        ["query:conversation_id"] = UuidMaxLength,
        ["path:id"] = UuidMaxLength,
        ["path:conversationId"] = UuidMaxLength,
        ["path:keyId"] = UuidMaxLength,
        ["path:requestId"] = RequestIdMaxLength,
        ["query:after"] = RequestIdMaxLength,
        ["next_after"] = RequestIdMaxLength,
    };

    private static readonly Dictionary<string, string[]> Enums = new(StringComparer.Ordinal)
    {
        ["role"] = ["user", "admin"],
        ["MessageDto.role"] = ["user", "assistant"],
        ["accreditation_level"] = ["N0", "N1", "N2", "N3", "N4"],
        ["level"] = ["L1", "L2", "L3", "L4"],
        ["security_level"] = ["L1", "L2", "L3", "L4"],
        ["level_raised_from"] = ["L1", "L2", "L3"],
        ["mode"] = ["flash", "code", "redaction"],
        ["ToolDto.level"] = ["L0", "L1", "L2", "L3", "L4"],
        ["ClassifyToolBody.level"] = ["L0", "L1", "L2", "L3", "L4"],
        ["ToolServerDto.status"] = ["ok", "unreachable"],
        ["origin"] = ["api", "chat", "gateway"],
        ["ChatToolCallDto.status"] = ["running", "succeeded", "failed", "pending_approval", "rejected", "expired", "denied"],
        ["SafeguardExecutionDto.status"] = ["running", "succeeded", "failed", "denied"],
        ["status"] = ["pending", "approved", "rejected", "expired"],
        ["query:status"] = ["pending", "approved", "rejected", "expired", "all"],
        ["query:period"] = ["24h", "7d", "30d"],
    };

    /// <summary>Patterns the validators apply, or that the values are made with.</summary>
    private static readonly Dictionary<string, string> Patterns = new(StringComparer.Ordinal)
    {
        ["request_id"] = "^[Aa][Pp][Rr]-[0-9]+$",
        ["approval_id"] = "^[Aa][Pp][Rr]-[0-9]+$",
        ["path:requestId"] = "^[Aa][Pp][Rr]-[0-9]+$",
        ["query:after"] = "^[Aa][Pp][Rr]-[0-9]+$",
        ["next_after"] = "^[Aa][Pp][Rr]-[0-9]+$",
        ["tool"] = RaiseRules.ToolPattern,
        ["tool_name"] = RaiseRules.ToolPattern,
        ["key"] = ApiKeySecrets.Pattern,
        ["CreateApiKeyBody.name"] = ApiKeySecrets.NamePattern,
        ["ApiKeyDto.name"] = ApiKeySecrets.NamePattern,
        ["CreatedApiKeyResponse.name"] = ApiKeySecrets.NamePattern,
        ["month"] = "^[0-9]{4}-[0-9]{2}$",
    };

    /// <summary>Formats of strings that are not ids or dates.</summary>
    private static readonly Dictionary<string, string> Formats = new(StringComparer.Ordinal)
    {
        ["email"] = "email",
        ["password"] = "password",
        ["current_password"] = "password",
        ["new_password"] = "password",
    };

    private static readonly Dictionary<string, (long Min, long Max)> Ranges = new(StringComparer.Ordinal)
    {
        ["quota_tokens"] = (0, UserFieldRules.MaxQuota),
        ["add_tokens"] = (1, UserFieldRules.MaxQuota),
        ["user_id"] = (1, int.MaxValue),
        ["id"] = (1, int.MaxValue),
        ["ttl_seconds"] = (30, 86_400),
        ["ProblemDetails.status"] = (100, 599),
        ["query:limit"] = (1, 200),
        ["/webhook/wibot/rag/search query:limit"] = (1, SearchRules.MaxLimit),
        ["query:wait"] = (0, 60),
        ["query:user_id"] = (1, int.MaxValue),
        ["path:userId"] = (1, int.MaxValue),
    };

    private static readonly Dictionary<string, int> MaxItems = new(StringComparer.Ordinal)
    {
        ["SafeguardRequestDto.approvals"] = 5, // Safeguard:Levels:<L>:Approvals is at most 5
        ["conversations"] = 200, // limit ≤ 200
        ["requests"] = 200, // limit ≤ 200
        ["results"] = SearchRules.MaxLimit,
        ["secret_arguments"] = RaiseRules.MaxSecretArguments,
        ["by_mode"] = 3,
        ["header_names"] = Domain.Tools.ToolServer.MaxHeaders,
        ["tool_calls"] = Application.Chat.ChatTools.MaxCallsPerTurn,
        ["top_users"] = 10,
    };

    public void Apply(OpenApiDocument swaggerDoc, DocumentFilterContext context)
    {
        ArgumentNullException.ThrowIfNull(swaggerDoc);
        swaggerDoc.Info.Contact ??= new OpenApiContact { Name = "WIDIP — équipe WIBOT", Url = new Uri("https://wibot.widip.fr") };
        foreach (var (schemaName, schema) in swaggerDoc.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>())
        {
            if (schema is OpenApiSchema s)
            {
                foreach (var (property, value) in s.Properties ?? new Dictionary<string, IOpenApiSchema>())
                {
                    if (value is OpenApiSchema p)
                    {
                        Bound(p, property, [$"{schemaName}.{property}", property]);
                    }
                }
            }
        }

        foreach (var (path, item) in swaggerDoc.Paths)
        {
            foreach (var operation in (item.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>()))
            {
                foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>())
                {
                    if (parameter.Schema is OpenApiSchema p)
                    {
                        var key = $"{parameter.In?.ToString().ToLowerInvariant()}:{parameter.Name}";
                        Bound(p, parameter.Name ?? string.Empty, [$"{path} {key}", key]);
                    }
                }
            }
        }
    }

    private static void Bound(OpenApiSchema schema, string name, string[] keys)
    {
        var type = schema.Type ?? 0;
        if (type.HasFlag(JsonSchemaType.String))
        {
            BoundString(schema, keys);
        }
        else if (type.HasFlag(JsonSchemaType.Integer))
        {
            var (min, max) = Find(Ranges, keys) is { } range ? range : (0L, schema.Format == "int32" ? int.MaxValue : long.MaxValue);
            schema.Minimum ??= min.ToString(CultureInfo.InvariantCulture);
            schema.Maximum ??= max.ToString(CultureInfo.InvariantCulture);
        }
        else if (type.HasFlag(JsonSchemaType.Array))
        {
            if (Find(MaxItems, keys) is { } maxItems)
            {
                schema.MaxItems ??= maxItems;
            }

            if (schema.Items is OpenApiSchema items)
            {
                Bound(items, name + "[]", [.. keys.Select(k => k + "[]")]);
            }
        }
        else if (type.HasFlag(JsonSchemaType.Object) && schema.AdditionalProperties is OpenApiSchema values)
        {
            Bound(values, name + "{}", [.. keys.Select(k => k + "{}")]);
        }
    }

    private static void BoundString(OpenApiSchema schema, string[] keys)
    {
        if (Find(Enums, keys) is { } values && schema.Enum is not { Count: > 0 })
        {
            schema.Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v))];
            return;
        }

        switch (schema.Format)
        {
            case "uuid":
                schema.MaxLength ??= UuidMaxLength;
                return;
            case "date-time":
                schema.MaxLength ??= TimestampMaxLength;
                return;
            case "date":
                schema.MaxLength ??= 10;
                return;
        }

        if (Find(Lengths, keys) is { } length)
        {
            schema.MaxLength ??= length;
        }

        if (FindText(Patterns, keys) is { } pattern)
        {
            schema.Pattern ??= pattern;
        }

        if (FindText(Formats, keys) is { } format)
        {
            schema.Format ??= format;
        }
    }

    private static T? Find<T>(Dictionary<string, T> table, string[] keys)
        where T : struct
    {
        foreach (var key in keys)
        {
            if (table.TryGetValue(key, out var value))
            {
                return value;
            }
        }

        return null;
    }

    private static string[]? Find(Dictionary<string, string[]> table, string[] keys) =>
        keys.Select(k => table.GetValueOrDefault(k)).FirstOrDefault(v => v is not null);

    private static string? FindText(Dictionary<string, string> table, string[] keys) =>
        keys.Select(k => table.GetValueOrDefault(k)).FirstOrDefault(v => v is not null);
}
