using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Wibot.Application.Common.Options;

namespace Wibot.Api.Infrastructure;

/// <summary>The per-user limit on chat messages: a sliding minute, refused with a 429 problem and Retry-After.</summary>
internal static class ChatRateLimit
{
    public const string Policy = "chat";

    public static void Configure(RateLimiterOptions options, RateLimitOptions limits)
    {
        options.AddPolicy(Policy, context =>
        {
            var user = context.User.FindFirst("userId")?.Value ?? "anonymous";
            return RateLimitPartition.GetSlidingWindowLimiter(user, _ => new SlidingWindowRateLimiterOptions
            {
                PermitLimit = Math.Max(1, limits.ChatPerMinute),
                Window = TimeSpan.FromMinutes(1),
                SegmentsPerWindow = 6,
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });
        options.OnRejected = async (context, ct) =>
        {
            var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(10);
            var http = context.HttpContext;
            http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            http.Response.Headers.RetryAfter = Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            var problem = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests.",
                Detail = $"At most {limits.ChatPerMinute} chat messages a minute. Retry after the delay in Retry-After.",
                Type = ProblemTypes.RateLimited,
            };
            ProblemDetailsDefaults.Customize(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
            await http.Response.WriteAsJsonAsync(problem, problem.GetType(), (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", ct);
        };
    }
}
