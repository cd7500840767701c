using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Wibot.Api.Infrastructure;

internal static class ProblemDetailsDefaults
{
    /// <summary>Fills type and title on every problem (status-code pages included) and drops internals.</summary>
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        problem.Extensions.Remove("traceId");
        problem.Extensions.Remove("exception");
        if (problem.Type is null || problem.Type.StartsWith("https://tools.ietf.org", StringComparison.Ordinal))
        {
            problem.Type = problem.Status switch
            {
                400 => ProblemTypes.BadRequest,
                401 => ProblemTypes.Unauthorized,
                403 => ProblemTypes.Forbidden,
                404 => ProblemTypes.NotFound,
                409 => ProblemTypes.Conflict,
                413 => ProblemTypes.TooLarge,
                415 => ProblemTypes.UnsupportedMediaType,
                429 => ProblemTypes.RateLimited,
                _ => problem.Type,
            };
        }

        problem.Detail ??= problem.Status switch
        {
            401 => "A valid bearer token is required.",
            403 => "You are not allowed to do this.",
            404 => "Not found.",
            405 => "Method not allowed on this route.",
            415 => "Unsupported content type.",
            _ => null,
        };
    }

    /// <summary>Model-binding failures (malformed JSON, wrong types) as a 400 with snake_case field names.</summary>
    public static IActionResult InvalidModelState(ActionContext context)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var (key, entry) in context.ModelState)
        {
            if (entry.ValidationState != ModelValidationState.Invalid)
            {
                continue;
            }

            var name = NormalizeKey(key);
            var messages = entry.Errors.Select(e => Clean(e.ErrorMessage, e.Exception)).Distinct().ToArray();
            errors[name] = errors.TryGetValue(name, out var existing) ? [.. existing, .. messages] : messages;
        }

        if (errors.Count > 1)
        {
            // "body is required" only restates the field errors that follow from a malformed body.
            errors.Remove("body");
        }

        var problem = new ValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request is invalid.",
            Detail = "The request body or parameters could not be read.",
            Type = ProblemTypes.Validation,
        };
        return new ObjectResult(problem) { StatusCode = 400, ContentTypes = { "application/problem+json" } };
    }

    private static string NormalizeKey(string key)
    {
        var k = key.StartsWith("$.", StringComparison.Ordinal) ? key[2..] : key;
        if (k is "$" or "" || k.EndsWith("Body", StringComparison.Ordinal) || k == "body")
        {
            return "body";
        }

        return string.Join('.', k.Split('.').Select(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p)));
    }

    private static string Clean(string message, Exception? exception)
    {
        if (!string.IsNullOrEmpty(message))
        {
            // System.Text.Json messages name internal .NET types; keep the first sentence only.
            var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
            var text = cut > 0 ? message[..cut] : message;
            return text.Contains("System.", StringComparison.Ordinal) || text.Contains("Wibot.", StringComparison.Ordinal)
                ? "The value is not of the expected type."
                : text;
        }

        return exception is null ? "Invalid value." : "The value could not be read.";
    }
}
