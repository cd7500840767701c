using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Wibot.Api.Tests.Infrastructure;
using Wibot.Application.Common.Options;
using Wibot.Infrastructure.Security;

namespace Wibot.Api.Tests.Auth;

public sealed class LoginThrottleTests(WibotFactory factory) : ApiTestBase(factory)
{
    private PostgresLoginThrottle Throttle() => new(
        Factory.Services.GetRequiredService<NpgsqlDataSource>(),
        Microsoft.Extensions.Options.Options.Create(new AuthOptions
        {
            FreeFailures = 2, DelayStepMs = 100, MaxDelayMs = 250, MaxFailuresPerUsername = 5, MaxFailuresPerAddress = 7, WindowMinutes = 15,
        }));

    [Fact]
    public async Task Throttle_SlowsThenRefuses_PerUsernameAndPerAddress_AndForgetsAfterTheWindow()
    {
        var throttle = Throttle();
        var now = DateTimeOffset.Parse("2026-11-24T08:00:00Z", CultureInfo.InvariantCulture);

        var delays = new List<TimeSpan>();
        for (var i = 0; i < 5; i++)
        {
            delays.Add(await throttle.RegisterFailureAsync("Eve", "10.0.0.1", now, default));
        }

        delays.Should().Equal(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(250));
        (await throttle.RetryAfterAsync("eve", "10.0.0.9", now, default)).Should().BeCloseTo(TimeSpan.FromMinutes(15), TimeSpan.FromSeconds(1), "usernames are compared without case");
        (await throttle.RetryAfterAsync("other", "10.0.0.9", now, default)).Should().BeNull();
        (await throttle.RetryAfterAsync("other", "10.0.0.1", now, default)).Should().BeNull("the address has 5 failures of the 7 allowed");

        await throttle.RegisterFailureAsync("mallory", "10.0.0.1", now, default);
        await throttle.RegisterFailureAsync("trent", "10.0.0.1", now, default);
        (await throttle.RetryAfterAsync("other", "10.0.0.1", now, default)).Should().NotBeNull("the address reached 7 failures");

        (await throttle.RetryAfterAsync("eve", "10.0.0.9", now.AddMinutes(16), default)).Should().BeNull("the window has passed");
    }

    [Fact]
    public async Task Throttle_ASuccessForgetsTheUsernamesFailures()
    {
        var throttle = Throttle();
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < 5; i++)
        {
            await throttle.RegisterFailureAsync("walter", null, now, default);
        }

        (await throttle.RetryAfterAsync("walter", null, now, default)).Should().NotBeNull();
        await throttle.RegisterSuccessAsync("Walter", default);
        (await throttle.RetryAfterAsync("walter", null, now, default)).Should().BeNull();
    }

    [Fact]
    public async Task Login_FailuresSpreadOverTwoInstances_AddUp()
    {
        await CreateUserAsync("ivan");
        await using var second = new SecondInstanceFactory(Factory.ConnectionString);
        second.UseKestrel(0);
        second.StartServer();

        // Six failures (the per-username limit), alternating between the instances, each from its own address.
        for (var i = 0; i < 6; i++)
        {
            using var client = WithAddress(i % 2 == 0 ? Factory.CreateClient() : second.CreateClient(), NewClientAddress());
            var failed = await client.PostAsJsonAsync("/webhook/auth/login", new { username = "ivan", password = $"wrong-{i}" });
            failed.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        foreach (var client in new[] { Factory.CreateClient(), second.CreateClient() })
        {
            using var fresh = WithAddress(client, NewClientAddress());
            var refused = await fresh.PostAsJsonAsync("/webhook/auth/login", new { username = "ivan", password = "Correct-Horse-9" });
            refused.StatusCode.Should().Be(HttpStatusCode.TooManyRequests, "both instances count the same failures");
            refused.Headers.RetryAfter!.Delta.Should().BeGreaterThan(TimeSpan.Zero);
        }
    }
}
