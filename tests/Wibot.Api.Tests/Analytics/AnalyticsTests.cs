using System.Globalization;
using System.Net;
using System.Text.Json;
using Wibot.Api.Tests.Infrastructure;
using Wibot.Domain.Conversations;
using Wibot.Domain.Users;

namespace Wibot.Api.Tests.Analytics;

public sealed class AnalyticsTests(WibotFactory factory) : ApiTestBase(factory)
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    private static DateTimeOffset ParisTime(int y, int m, int d, int h, int min = 0) =>
        new DateTimeOffset(new DateTime(y, m, d, h, min, 0), Paris.GetUtcOffset(new DateTime(y, m, d, h, min, 0))).ToUniversalTime();

    [Fact]
    public async Task Analytics_ForAPeriodAcrossAMonthBoundary_MatchesFiguresRecomputedFromTheSeed()
    {
        var admin = await CreateUserAsync("boss", role: UserRole.Admin);
        var u1 = await CreateUserAsync("u.one");
        var u2 = await CreateUserAsync("u.two");
        var u3 = await CreateUserAsync("u.idle");

        // Messages either side of the October/November boundary in Paris time, and some outside the period.
        var seeds = new List<(int User, SeedMessage Msg)>();
        var c1 = new[]
        {
            SeedMessage.Q(ChatMode.Flash, ParisTime(2026, 10, 31, 23, 30)),
            SeedMessage.A(ChatMode.Flash, ParisTime(2026, 10, 31, 23, 31), 120),
            SeedMessage.Q(ChatMode.Code, ParisTime(2026, 11, 1, 0, 10)),
            SeedMessage.A(ChatMode.Code, ParisTime(2026, 11, 1, 0, 11), 300),
        };
        var c2 = new[]
        {
            SeedMessage.Q(ChatMode.Redaction, ParisTime(2026, 11, 2, 9)),
            SeedMessage.A(ChatMode.Redaction, ParisTime(2026, 11, 2, 9, 1), 500),
        };
        var outside = new[]
        {
            SeedMessage.Q(ChatMode.Flash, ParisTime(2026, 10, 29, 12)),
            SeedMessage.A(ChatMode.Flash, ParisTime(2026, 10, 29, 12, 1), 9999),
            SeedMessage.Q(ChatMode.Flash, ParisTime(2026, 11, 4, 0, 1)),
        };
        await SeedConversationAsync(u1.Id, "c1", c1[0].At, c1);
        await SeedConversationAsync(u2.Id, "c2", c2[0].At, c2);
        await SeedConversationAsync(u2.Id, "outside", outside[0].At, outside);
        seeds.AddRange(c1.Select(m => (u1.Id, m)));
        seeds.AddRange(c2.Select(m => (u2.Id, m)));
        seeds.AddRange(outside.Select(m => (u2.Id, m)));

        using var client = ClientWithToken(await LoginAsync("boss"));
        var response = await client.GetAsync("/webhook/wibot/analytics?from=2026-10-30&to=2026-11-03");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await ReadJsonAsync(response);
        body.GetProperty("success").GetBoolean().Should().BeTrue();
        body.GetProperty("period").GetProperty("from").GetString().Should().Be("2026-10-30");
        body.GetProperty("period").GetProperty("to").GetString().Should().Be("2026-11-03");

        var start = ParisTime(2026, 10, 30, 0);
        var end = ParisTime(2026, 11, 4, 0);
        var inPeriod = seeds.Where(s => s.Msg.At >= start && s.Msg.At < end).ToList();
        var totals = body.GetProperty("totals");
        totals.GetProperty("users").GetInt64().Should().Be(4);
        totals.GetProperty("active_users").GetInt64().Should().Be(inPeriod.Select(s => s.User).Distinct().Count());
        totals.GetProperty("messages").GetInt64().Should().Be(inPeriod.Count);
        totals.GetProperty("tokens").GetInt64().Should().Be(inPeriod.Sum(s => s.Msg.Tokens));
        totals.GetProperty("conversations").GetInt64().Should().Be(2, "c1 and c2 were created in the period, 'outside' was not");

        var byDay = body.GetProperty("by_day").EnumerateArray().ToList();
        byDay.Select(d => d.GetProperty("date").GetString()).Should().Equal("2026-10-30", "2026-10-31", "2026-11-01", "2026-11-02", "2026-11-03");
        foreach (var day in byDay)
        {
            var date = DateOnly.ParseExact(day.GetProperty("date").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            var expected = inPeriod.Where(s => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(s.Msg.At, Paris).DateTime) == date).ToList();
            day.GetProperty("messages").GetInt64().Should().Be(expected.Count, date.ToString(CultureInfo.InvariantCulture));
            day.GetProperty("tokens").GetInt64().Should().Be(expected.Sum(s => s.Msg.Tokens), date.ToString(CultureInfo.InvariantCulture));
        }

        var byMode = body.GetProperty("by_mode").EnumerateArray().ToDictionary(m => m.GetProperty("mode").GetString()!, m => (m.GetProperty("messages").GetInt64(), m.GetProperty("tokens").GetInt64()));
        byMode.Keys.Should().BeEquivalentTo(["flash", "code", "redaction"]);
        foreach (var mode in new[] { ChatMode.Flash, ChatMode.Code, ChatMode.Redaction })
        {
            var name = mode.ToString().ToLowerInvariant();
            byMode[name].Should().Be((inPeriod.Count(s => s.Msg.Mode == mode), inPeriod.Where(s => s.Msg.Mode == mode).Sum(s => (long)s.Msg.Tokens)));
        }

        var top = body.GetProperty("top_users").EnumerateArray().ToList();
        top.Select(t => t.GetProperty("username").GetString()).Should().Equal("u.two", "u.one");
        top[0].GetProperty("tokens").GetInt64().Should().Be(500);
        top[1].GetProperty("messages").GetInt64().Should().Be(4);

        var quotas = body.GetProperty("quotas").EnumerateArray().ToList();
        quotas.Should().HaveCount(4);
        quotas.Should().OnlyContain(q => q.GetProperty("quota_tokens").GetInt64() == 50_000);
        admin.Id.Should().BeGreaterThan(0);
        u3.Id.Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task Analytics_ForAnEmptyPeriod_HasEveryDayAndModeAtZero()
    {
        await CreateUserAsync("boss", role: UserRole.Admin);
        using var client = ClientWithToken(await LoginAsync("boss"));

        var body = await ReadJsonAsync(await client.GetAsync("/webhook/wibot/analytics?from=2025-02-01&to=2025-02-28"));

        body.GetProperty("by_day").GetArrayLength().Should().Be(28);
        body.GetProperty("by_day").EnumerateArray().Should().OnlyContain(d => d.GetProperty("messages").GetInt64() == 0 && d.GetProperty("tokens").GetInt64() == 0);
        body.GetProperty("by_mode").GetArrayLength().Should().Be(3);
        body.GetProperty("totals").GetProperty("messages").GetInt64().Should().Be(0);
        body.GetProperty("top_users").GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task Analytics_DefaultsToTheCurrentMonth()
    {
        await CreateUserAsync("boss", role: UserRole.Admin);
        using var client = ClientWithToken(await LoginAsync("boss"));

        var body = await ReadJsonAsync(await client.GetAsync("/webhook/wibot/analytics"));

        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Paris);
        var first = new DateOnly(local.Year, local.Month, 1);
        body.GetProperty("period").GetProperty("from").GetString().Should().Be(first.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        body.GetProperty("by_day").GetArrayLength().Should().Be(DateTime.DaysInMonth(local.Year, local.Month));
    }

    [Theory]
    [InlineData("?from=2026-11-10&to=2026-11-01")]
    [InlineData("?from=yesterday")]
    [InlineData("?period=1y")]
    public async Task Analytics_WithBadParameters_Returns400(string query)
    {
        await CreateUserAsync("boss", role: UserRole.Admin);
        using var client = ClientWithToken(await LoginAsync("boss"));

        await AssertProblemAsync(await client.GetAsync($"/webhook/wibot/analytics{query}"), 400);
    }

    [Fact]
    public async Task LegacyStats_HaveTheN8nClientShape_AndTheRightFigures()
    {
        var boss = await CreateUserAsync("boss", role: UserRole.Admin);
        var tech = await CreateUserAsync("tech");
        await CreateUserAsync("gone", active: false);
        var now = DateTimeOffset.UtcNow;
        await SeedConversationAsync(tech.Id, "recent", now.AddHours(-2),
            SeedMessage.Q(ChatMode.Code, now.AddHours(-2), attachments: 2),
            SeedMessage.A(ChatMode.Code, now.AddHours(-2).AddSeconds(5), 200, sources: 2),
            SeedMessage.Q(ChatMode.Flash, now.AddHours(-1)),
            SeedMessage.A(ChatMode.Flash, now.AddHours(-1).AddSeconds(5), 50));
        await SeedConversationAsync(tech.Id, "old", now.AddDays(-10),
            SeedMessage.Q(ChatMode.Redaction, now.AddDays(-10)),
            SeedMessage.A(ChatMode.Redaction, now.AddDays(-10).AddSeconds(5), 70, sources: 1));
        await SendAsync(new Application.Tokens.GetTokenBalance.GetTokenBalanceQuery(tech.Id));
        await WithDbAsync(db => Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.ExecuteSqlAsync(db.Database, $"UPDATE user_token_usage SET used_tokens = 12500 WHERE user_id = {tech.Id}"));
        using var client = ClientWithToken(await LoginAsync("boss"));

        var body = await ReadJsonAsync(await client.GetAsync("/webhook/wibot/analytics?period=7d"));

        body.GetProperty("success").GetBoolean().Should().BeTrue();
        body.GetProperty("period").GetString().Should().Be("7d");
        var stats = body.GetProperty("stats");
        stats.GetProperty("tokens").GetProperty("used").GetInt64().Should().Be(12_500);
        stats.GetProperty("tokens").GetProperty("quota").GetInt64().Should().Be(150_000, "three users at the default quota, opened or not");
        stats.GetProperty("tokens").GetProperty("percentage").GetInt64().Should().Be(8);
        stats.GetProperty("messages").GetProperty("total").GetInt64().Should().Be(3);
        stats.GetProperty("messages").GetProperty("today").GetInt64().Should().Be(2);
        var byDay = stats.GetProperty("messages").GetProperty("byDay").EnumerateArray().ToList();
        byDay.Count.Should().BeInRange(7, 8);
        byDay.Sum(d => d.GetProperty("count").GetInt64()).Should().Be(4);
        byDay.Sum(d => d.GetProperty("tokens").GetInt64()).Should().Be(250);
        byDay.Select(d => d.GetProperty("date").GetString()).Should().BeInAscendingOrder();
        stats.GetProperty("modes").GetProperty("flash").GetInt64().Should().Be(1);
        stats.GetProperty("modes").GetProperty("code").GetInt64().Should().Be(1);
        stats.GetProperty("modes").GetProperty("redaction").GetInt64().Should().Be(0);
        stats.GetProperty("conversations").GetProperty("total").GetInt64().Should().Be(2);
        stats.GetProperty("conversations").GetProperty("active").GetInt64().Should().Be(1);
        stats.GetProperty("users").GetProperty("total").GetInt64().Should().Be(2);
        stats.GetProperty("files").GetProperty("total").GetInt64().Should().Be(2);
        stats.GetProperty("files").GetProperty("messagesWithFiles").GetInt64().Should().Be(1);
        stats.GetProperty("rag").GetProperty("queries").GetInt64().Should().Be(1);
        boss.Id.Should().BeGreaterThan(0);
    }
}
