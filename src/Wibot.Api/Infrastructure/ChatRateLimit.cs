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

/// <summary>Counts the live event streams of each user, to cap them.</summary>
public sealed class EventStreamRegistry
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, int> _open = new();

    /// <summary>Opens a stream for <paramref name="userId"/> unless they already have <paramref name="max"/>; dispose the result to close it.</summary>
    public IDisposable? TryOpen(int userId, int max)
    {
        while (true)
        {
            var current = _open.GetOrAdd(userId, 0);
            if (current >= max)
            {
                return null;
            }

            if (_open.TryUpdate(userId, current + 1, current))
            {
                return new Slot(this, userId);
            }
        }
    }

    private void Close(int userId) => _open.AddOrUpdate(userId, 0, (_, n) => Math.Max(0, n - 1));

    private sealed class Slot(EventStreamRegistry registry, int userId) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                registry.Close(userId);
            }
        }
    }
}
