using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Wibot.Api.Infrastructure.OpenApi;

/// <summary>
/// Shows the <c>success: true</c> that <see cref="SuccessEnvelope"/> adds to a 2xx answer: the
/// answer's schema becomes <c>allOf</c> [the record, <c>{success}</c>], so that a record used both as
/// an answer and as a list item keeps one schema, without the property in the list.
/// </summary>
internal sealed class SuccessEnvelopeResponses(IOptions<Microsoft.AspNetCore.Mvc.JsonOptions> json) : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        foreach (var answer in context.ApiDescription.SupportedResponseTypes)
        {
            if (answer.StatusCode is < 200 or > 299 || answer.Type is null
                || !SuccessEnvelope.AppliesTo(answer.Type, json.Value.JsonSerializerOptions)
                || operation.Responses?.TryGetValue(answer.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response) != true
                || response?.Content is null)
            {
                continue;
            }

            foreach (var media in response.Content.Values.OfType<OpenApiMediaType>())
            {
                if (media.Schema is OpenApiSchemaReference record)
                {
                    media.Schema = new OpenApiSchema { AllOf = [record, EnvelopeReference(context.SchemaRepository)] };
                }
            }
        }
    }

    private static OpenApiSchemaReference EnvelopeReference(SchemaRepository schemas) =>
        schemas.Schemas.ContainsKey(EnvelopeId) ? new OpenApiSchemaReference(EnvelopeId) : schemas.AddDefinition(EnvelopeId, Envelope());

    private const string EnvelopeId = "SuccessEnvelope";

    private static OpenApiSchema Envelope() => new()
    {
        Type = JsonSchemaType.Object,
        Required = new HashSet<string>(StringComparer.Ordinal) { "success" },
        Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
        {
            ["success"] = new OpenApiSchema { Type = JsonSchemaType.Boolean, Description = "Always true on a successful answer (the n8n-era client checks it)." },
        },
    };
}
