using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Wibot.Api.Tests.Infrastructure;
using Wibot.Application.Common.Interfaces;
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

    /// <summary>An attempt that then fails (it was counted when it began).</summary>
    private static async Task<LoginAttempt> FailAsync(PostgresLoginThrottle throttle, string username, string? address, DateTimeOffset now) =>
        await throttle.BeginAsync(username, address, now, default);

    [Fact]
    public async Task Throttle_SlowsThenRefuses_TheUsernameFromThatAddress_AndForgetsAfterTheWindow()
    {
        var throttle = Throttle();
        var now = DateTimeOffset.Parse("2026-11-24T08:00:00Z", CultureInfo.InvariantCulture);

        var delays = new List<TimeSpan>();
        for (var i = 0; i < 5; i++)
        {
            var attempt = await FailAsync(throttle, "Eve", "10.0.0.1", now);
            attempt.Refused.Should().BeFalse();
            delays.Add(throttle.DelayAfterFailure(attempt));
        }

        delays.Should().Equal(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(250));
        var locked = await throttle.BeginAsync("eve", "10.0.0.1", now, default);
        locked.RetryAfter.Should().BeCloseTo(TimeSpan.FromMinutes(15), TimeSpan.FromSeconds(1), "usernames are compared without case");
        (await throttle.BeginAsync("eve", "10.0.0.9", now, default)).Refused.Should().BeFalse("failures from one address do not lock the user out elsewhere");
        (await throttle.BeginAsync("eve", "10.0.0.1", now.AddMinutes(16), default)).Refused.Should().BeFalse("the window has passed");
    }

    [Fact]
    public async Task Throttle_FailuresFromSeveralAddresses_LockTheUsernameEverywhere()
    {
        var throttle = Throttle(); // 5 per username; each address counts for 2 at most
        var now = DateTimeOffset.UtcNow;
        foreach (var address in new[] { "10.1.0.1", "10.1.0.2", "10.1.0.3" })
        {
            for (var i = 0; i < 4; i++)
            {
                await FailAsync(throttle, "carol", address, now);
            }
        }

        (await throttle.BeginAsync("carol", "10.1.0.200", now, default)).Refused.Should().BeTrue("6 spread failures pass the limit of 5");
        (await throttle.BeginAsync("dave", "10.1.0.200", now, default)).Refused.Should().BeFalse();
    }

    [Fact]
    public async Task Throttle_TheAddressLimit_CoversEveryUsername()
    {
        var throttle = Throttle(); // 7 per address
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < 7; i++)
        {
            await FailAsync(throttle, $"user{i}", "10.2.0.1", now);
        }

        (await throttle.BeginAsync("someone", "10.2.0.1", now, default)).Refused.Should().BeTrue();
        (await throttle.BeginAsync("someone", "10.2.0.2", now, default)).Refused.Should().BeFalse();
    }

    [Fact]
    public async Task Throttle_CountsBeforeChecking_SoAParallelBurstIsBoundedByTheLimit()
    {
        var throttle = Throttle(); // 5 per username and address
        var now = DateTimeOffset.UtcNow;

        var attempts = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Task.Run(async () => await throttle.BeginAsync("burst", "10.3.0.1", now, default))));

        attempts.Count(a => !a.Refused).Should().Be(5, "every admitted attempt is counted before any password is checked");
        attempts.Where(a => a.Refused).Select(a => a.ThrottledBefore).Should().OnlyHaveUniqueItems();
        (await throttle.BeginAsync("burst", "10.3.0.1", now.AddMinutes(16), default)).Refused.Should().BeFalse("refusals never count as failures");
    }

    [Fact]
    public async Task Throttle_ASuccessForgetsTheFailuresOfThatUsernameAndAddress()
    {
        var throttle = Throttle();
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < 4; i++)
        {
            await FailAsync(throttle, "walter", null, now);
        }

        var success = await throttle.BeginAsync("Walter", null, now, default);
        success.Refused.Should().BeFalse();
        await throttle.SucceededAsync(success, default);
        for (var i = 0; i < 4; i++)
        {
            (await FailAsync(throttle, "walter", null, now)).Refused.Should().BeFalse("the earlier failures were forgotten");
        }
    }

    [Fact]
    public async Task Login_LockedOutFromOneAddress_StillSignsInFromAnother_AndTheAuditAggregatesRefusals()
    {
        await CreateUserAsync("judy");
        using var attacker = WithAddress(Factory.CreateClient(), NewClientAddress());
        for (var i = 0; i < 6; i++)
        {
            (await attacker.PostAsJsonAsync("/webhook/auth/login", new { username = "judy", password = $"wrong-{i}" })).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        for (var i = 0; i < 15; i++)
        {
            (await attacker.PostAsJsonAsync("/webhook/auth/login", new { username = "judy", password = "Correct-Horse-9" })).StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        }

        using var owner = WithAddress(Factory.CreateClient(), NewClientAddress());
        (await owner.PostAsJsonAsync("/webhook/auth/login", new { username = "judy", password = "Correct-Horse-9" })).StatusCode.Should().Be(HttpStatusCode.OK);
        var throttled = await WithDbAsync(db => db.AuditEntries.Where(a => a.Action == "auth.login.throttled").Select(a => a.Details).ToListAsync());
        throttled.Should().HaveCount(2, "the first refusal and the tenth are audited, with their count, not all fifteen");
        throttled[1].Should().Contain("10");
    }

    [Fact]
    public async Task ChangePassword_WrongCurrentPasswords_AreThrottledLikeLogin()
    {
        await CreateUserAsync("oscar");
        using var client = ClientWithToken(await LoginAsync("oscar"));
        for (var i = 0; i < 6; i++)
        {
            (await client.PostAsJsonAsync("/webhook/auth/change-password", new { current_password = $"guess-{i}", new_password = "New-Pass-12345" }))
                .StatusCode.Should().Be(HttpStatusCode.Forbidden);
        }

        var refused = await client.PostAsJsonAsync("/webhook/auth/change-password", new { current_password = "Correct-Horse-9", new_password = "New-Pass-12345" });
        refused.StatusCode.Should().Be(HttpStatusCode.TooManyRequests, "the oracle closes after the login limit");
        refused.Headers.RetryAfter.Should().NotBeNull();
    }

    [Fact]
    public async Task Login_FromAnUntrustedPeer_IsCountedByItsOwnAddress_WhateverXForwardedForSays()
    {
        // A peer outside the trusted proxies (not loopback): the machine's own non-loopback address.
        var address = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == System.Net.NetworkInformation.OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        address.Should().NotBeNull("the test needs a non-loopback IPv4 address to connect from");
        await using var server = new SecondInstanceFactory(Factory.ConnectionString);
        server.UseKestrel(k => k.Listen(address!, 0));
        server.StartServer();
        var bound = server.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.Single();
        using var peer = new HttpClient { BaseAddress = new Uri(bound) };

        // Eight failures (the per-address limit) for eight usernames, each claiming another client address.
        for (var i = 0; i < 8; i++)
        {
            using var attempt = new HttpRequestMessage(HttpMethod.Post, "/webhook/auth/login") { Content = JsonContent.Create(new { username = $"spoof{i}", password = "wrong" }) };
            attempt.Headers.Add("X-Forwarded-For", $"198.51.100.{i + 1}");
            (await peer.SendAsync(attempt)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        using var next = new HttpRequestMessage(HttpMethod.Post, "/webhook/auth/login") { Content = JsonContent.Create(new { username = "spoof-new", password = "wrong" }) };
        next.Headers.Add("X-Forwarded-For", "198.51.100.99");
        (await peer.SendAsync(next)).StatusCode.Should().Be(HttpStatusCode.TooManyRequests, "an untrusted X-Forwarded-For is ignored: the peer's own address is counted");
        (await WithDbAsync(db => db.Database.SqlQuery<string>($"SELECT DISTINCT client_address AS \"Value\" FROM login_failures").ToListAsync()))
            .Should().Equal(address!.ToString());
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
