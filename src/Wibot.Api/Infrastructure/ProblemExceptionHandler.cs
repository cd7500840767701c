using System.Globalization;
using System.Text.Json;
using FluentValidation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Wibot.Application.Common.Exceptions;
using Wibot.Application.Common.Interfaces;
using Wibot.Domain.Common;

namespace Wibot.Api.Infrastructure;

/// <summary>The one place where exceptions become RFC 9457 problem+json answers.</summary>
internal sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, IStorageFaults storage, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = Map(exception, storage.Classify(exception), httpContext);
        if (problem.Status >= 500)
        {
            LogUnhandled(logger, httpContext.Request.Method, httpContext.Request.Path, exception);
        }

        httpContext.Response.StatusCode = problem.Status ?? 500;
        if (await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception }))
        {
            return true;
        }

        // The client accepts no JSON (an SSE request refused before its stream started): answer problem+json anyway.
        ProblemDetailsDefaults.Customize(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem });
        await httpContext.Response.WriteAsJsonAsync(problem, problem.GetType(), (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", cancellationToken);
        return true;
    }

    internal static ProblemDetails Map(Exception exception, StorageFault fault, HttpContext context)
    {
        switch (exception)
        {
            case ValidationException validation:
                var errors = validation.Errors
                    .GroupBy(e => ToSnake(e.PropertyName))
                    .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray());
                return new ValidationProblemDetails(errors)
                {
                    Status = StatusCodes.Status400BadRequest,
                    Title = "The request is invalid.",
                    Detail = "One or more fields are invalid.",
                    Type = ProblemTypes.Validation,
                };
            case NotFoundException notFound:
                return Problem(StatusCodes.Status404NotFound, "Not found.", notFound.Message, ProblemTypes.NotFound);
            case ForbiddenException forbidden:
                return Problem(StatusCodes.Status403Forbidden, "Forbidden.", forbidden.Message, ProblemTypes.Forbidden);
            case DomainRuleViolationException { Kind: RuleKind.Forbidden } rule:
                return Problem(StatusCodes.Status403Forbidden, "Forbidden.", rule.Message, ProblemTypes.Forbidden);
            case DomainRuleViolationException { Kind: RuleKind.QuotaExceeded } rule:
                return Problem(StatusCodes.Status429TooManyRequests, "Quota exceeded.", rule.Message, ProblemTypes.QuotaExceeded);
            case DomainRuleViolationException rule:
                return Problem(StatusCodes.Status409Conflict, "Conflict.", rule.Message, ProblemTypes.Conflict);
            case ConflictException conflict:
                return Problem(StatusCodes.Status409Conflict, "Conflict.", conflict.Message, ProblemTypes.Conflict);
            case not null when fault == StorageFault.ConcurrentChange:
                return Problem(StatusCodes.Status409Conflict, "Conflict.", "The resource was changed by someone else. Retry.", ProblemTypes.Conflict);
            case AuthenticationFailedException failed:
                return Problem(StatusCodes.Status401Unauthorized, "Unauthorized.", failed.Message, ProblemTypes.Unauthorized);
            case TooManyRequestsException tooMany:
                context.Response.Headers.RetryAfter = Math.Ceiling(tooMany.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                return Problem(StatusCodes.Status429TooManyRequests, "Too many requests.", tooMany.Message, ProblemTypes.RateLimited);
            case BadHttpRequestException bad:
                return Problem(
                    bad.StatusCode,
                    bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large." : "Bad request.",
                    bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "The request body exceeds the allowed size." : "The request could not be read.",
                    bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? ProblemTypes.TooLarge : ProblemTypes.BadRequest);
            case AttachmentRejectedException { Refusal: AttachmentRefusal.TooLarge } large:
                return Problem(StatusCodes.Status413PayloadTooLarge, "Attachment too large.", large.Message, ProblemTypes.TooLarge);
            case AttachmentRejectedException { Refusal: AttachmentRefusal.Unprocessable } unreadable:
                return Problem(StatusCodes.Status422UnprocessableEntity, "Attachment unreadable.", unreadable.Message, ProblemTypes.Unprocessable);
            case AttachmentRejectedException refused:
                return Problem(StatusCodes.Status415UnsupportedMediaType, "Attachment type refused.", refused.Message, ProblemTypes.UnsupportedMediaType);
            case Controllers.UnsupportedMediaTypeException unsupported:
                return Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type.", unsupported.Message, ProblemTypes.UnsupportedMediaType);
            case LanguageModelException { Failure: LanguageModelFailure.Timeout } model:
                return Problem(StatusCodes.Status504GatewayTimeout, "Language model timed out.", model.Message, ProblemTypes.ModelTimeout);
            case LanguageModelException { Failure: LanguageModelFailure.Unavailable } model:
                return Problem(StatusCodes.Status503ServiceUnavailable, "Language model unavailable.", model.Message, ProblemTypes.ModelUnavailable);
            case LanguageModelException model:
                return Problem(StatusCodes.Status502BadGateway, "Language model error.", model.Message, ProblemTypes.ModelError);
            case JsonException:
                return Problem(StatusCodes.Status400BadRequest, "Bad request.", "The request body is not valid JSON.", ProblemTypes.BadRequest);
            case not null when fault == StorageFault.Unavailable:
                context.Response.Headers.RetryAfter = "5";
                return Problem(StatusCodes.Status503ServiceUnavailable, "Service temporarily unavailable.", "The database cannot be reached. Nothing was changed; retry in a few seconds.", ProblemTypes.Unavailable);
            case OperationCanceledException when context.RequestAborted.IsCancellationRequested:
                return Problem(499, "Client closed request.", "The client went away.", ProblemTypes.BadRequest);
            default:
                return Problem(StatusCodes.Status500InternalServerError, "An unexpected error occurred.", "The server could not complete the request. It has been logged.", ProblemTypes.Internal);
        }
    }

    private static ProblemDetails Problem(int status, string title, string detail, string type) =>
        new() { Status = status, Title = title, Detail = detail, Type = type };

    private static string ToSnake(string propertyName)
    {
        if (string.IsNullOrEmpty(propertyName))
        {
            return "body";
        }

        return string.Join('.', propertyName.Split('.').Select(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p)));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, string method, string path, Exception exception);
}

internal static class ProblemTypes
{
    private const string Base = "https://wibot.widip.fr/problems/";
    public const string Validation = Base + "validation";
    public const string BadRequest = Base + "bad-request";
    public const string NotFound = Base + "not-found";
    public const string Forbidden = Base + "forbidden";
    public const string Conflict = Base + "conflict";
    public const string Unauthorized = Base + "unauthorized";
    public const string RateLimited = Base + "rate-limited";
    public const string QuotaExceeded = Base + "quota-exceeded";
    public const string TooLarge = Base + "payload-too-large";
    public const string UnsupportedMediaType = Base + "unsupported-media-type";
    public const string Unprocessable = Base + "unprocessable";
    public const string Internal = Base + "internal";
    public const string ModelError = Base + "model-error";
    public const string ModelUnavailable = Base + "model-unavailable";
    public const string ModelTimeout = Base + "model-timeout";
    public const string Unavailable = Base + "service-unavailable";
}
