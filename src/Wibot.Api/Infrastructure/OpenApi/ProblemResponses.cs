using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Wibot.Api.Infrastructure.OpenApi;

/// <summary>
/// Declares on each operation the problem+json answers it can give besides those its action lists:
/// 400 (bad parameters or body), 401 (not signed in), 403 (admin routes), 404 (an id in the path),
/// 413/415 (a body too large or of another type), 429 with <c>Retry-After</c> (throttled routes),
/// 500 and 503 (the database is unreachable, with <c>Retry-After</c>). Also gives each operation an id
/// (Controller + action) and a description (its summary when it has no remarks).
/// </summary>
internal sealed class ProblemResponses : IOperationFilter
{
    /// <summary>Routes that answer 429: login and change-password (throttle), chat (rate limit), live events (cap).</summary>
    private static readonly HashSet<string> Throttled = new(StringComparer.Ordinal)
    {
        "AuthLogin", "AuthChangePassword", "ChatChat", "SafeguardEvents",
    };

    public static string OperationId(Microsoft.AspNetCore.Mvc.ApiExplorer.ApiDescription description) =>
        description.ActionDescriptor is ControllerActionDescriptor action ? action.ControllerName + action.ActionName : description.RelativePath ?? "operation";

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
        var id = OperationId(context.ApiDescription);
        operation.OperationId = id;
        if (string.IsNullOrWhiteSpace(operation.Description))
        {
            operation.Description = operation.Summary ?? id;
        }

        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        var admin = metadata.OfType<AuthorizeAttribute>().Any(a => a.Policy == Policies.Admin);
        var hasBody = operation.RequestBody is not null || id == "ChatChat";
        var hasInput = hasBody || operation.Parameters is { Count: > 0 };
        var hasPathId = context.ApiDescription.ParameterDescriptions.Any(p => p.Source == Microsoft.AspNetCore.Mvc.ModelBinding.BindingSource.Path);
        var throttled = Throttled.Contains(id) || metadata.OfType<EnableRateLimitingAttribute>().Any();

        Add(operation, context, 400, "The request is invalid (field errors in `errors`).", hasInput);
        Add(operation, context, 401, "Not signed in, or the token or key is no longer valid.", !anonymous);
        Add(operation, context, 403, "The caller's role or accreditation does not allow it.", admin);
        Add(operation, context, 404, "Not found, or not the caller's.", hasPathId);
        Add(operation, context, 413, "The request body is too large.", hasBody);
        Add(operation, context, 415, "The body is not of a type the route reads.", hasBody);
        Add(operation, context, 429, "Too many requests: wait for Retry-After seconds.", throttled, retryAfter: true);
        Add(operation, context, 500, "An unexpected error (logged; nothing is leaked).", true);
        Add(operation, context, 503, "The database (or the model) is unreachable for now: retry after Retry-After seconds.", true, retryAfter: true);
    }

    private static void Add(OpenApiOperation operation, OperationFilterContext context, int status, string description, bool applies, bool retryAfter = false)
    {
        operation.Responses ??= [];
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!applies && !operation.Responses.ContainsKey(key))
        {
            return;
        }

        if (!operation.Responses.TryGetValue(key, out var existing) || existing is not OpenApiResponse response)
        {
            response = new OpenApiResponse
            {
                Content = new Dictionary<string, IOpenApiMediaType>
                {
                    ["application/problem+json"] = new OpenApiMediaType { Schema = context.SchemaGenerator.GenerateSchema(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), context.SchemaRepository) },
                },
            };
            operation.Responses[key] = response;
        }

        if (string.IsNullOrWhiteSpace(response.Description) || response.Description == ReasonPhrase(status))
        {
            response.Description = description;
        }

        if (retryAfter)
        {
            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            response.Headers["Retry-After"] = new OpenApiHeader
            {
                Description = "Seconds to wait before retrying.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = "86400" },
            };
        }
    }

    private static string ReasonPhrase(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
}
