using System.Collections.Concurrent;
using System.Text.Json;
using Json.Schema;

namespace Wibot.Application.Tools;

/// <summary>
/// Checks a call's arguments against the input schema the tool server declared (JSON Schema, with
/// json-everything's evaluator), so that a call the server would refuse, or misread, never runs and
/// never reaches an approver.
/// </summary>
public static class ToolArguments
{
    private static readonly ConcurrentDictionary<string, JsonSchema?> Schemas = new(StringComparer.Ordinal);

    /// <summary>Null when the arguments fit; otherwise what is wrong, in a sentence for the model or the agent.</summary>
    public static string? Problem(string inputSchemaJson, JsonElement arguments)
    {
        if (arguments.ValueKind != JsonValueKind.Object)
        {
            return "The arguments must be a JSON object.";
        }

        var schema = Schemas.GetOrAdd(inputSchemaJson, static json =>
        {
            try
            {
                return JsonSchema.FromText(json);
            }
            catch (JsonException)
            {
                return null; // a schema WIBOT cannot read: the object check above is all it can do
            }
        });
        if (schema is null)
        {
            return null;
        }

        var result = schema.Evaluate(arguments, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
        {
            return null;
        }

        var errors = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{(d.InstanceLocation.ToString() is { Length: > 0 } at ? at : "/")}: {e.Value}"))
            .Distinct().Take(5).ToList();
        return "The arguments do not match the tool's input schema" + (errors.Count > 0 ? ": " + string.Join("; ", errors) : ".");
    }
}
