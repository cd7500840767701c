using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Wibot.Api.Tests.Infrastructure;
using Wibot.Application.Tokens.GetTokenBalance;
using Wibot.Domain.Tokens;

namespace Wibot.Api.Tests.Tokens;

public sealed class TokenBalanceTests(WibotFactory factory) : ApiTestBase(factory)
{
    [Fact]
    public async Task FirstRequest_OpensTheMonthWithTheDefaultQuota()
    {
        var user = await CreateUserAsync("gaby");
        using var client = ClientWithToken(await LoginAsync("gaby"));

        var response = await client.GetAsync("/webhook/wibot/user/tokens");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await ReadJsonAsync(response);
        body.GetProperty("success").GetBoolean().Should().BeTrue();
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, paris);
        body.GetProperty("month").GetString().Should().Be(new DateOnly(local.Year, local.Month, 1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        body.GetProperty("used_tokens").GetInt64().Should().Be(0);
        body.GetProperty("quota_tokens").GetInt64().Should().Be(50_000);
        body.GetProperty("remaining_tokens").GetInt64().Should().Be(50_000);
        body.GetProperty("tokens_remaining").GetInt64().Should().Be(50_000);
        body.GetProperty("resets_at").GetDateTimeOffset().Should().BeAfter(DateTimeOffset.UtcNow);
        (await WithDbAsync(db => db.TokenUsage.CountAsync(t => t.UserId == user.Id))).Should().Be(1);
    }

    [Fact]
    public async Task ExhaustedQuota_ReportsZeroRemaining_NeverNegative()
    {
        var user = await CreateUserAsync("hector");
        await SendAsync(new GetTokenBalanceQuery(user.Id));
        await WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE user_token_usage SET used_tokens = 60000 WHERE user_id = {user.Id}"));
        using var client = ClientWithToken(await LoginAsync("hector"));

        var body = await ReadJsonAsync(await client.GetAsync("/webhook/wibot/user/tokens"));

        body.GetProperty("used_tokens").GetInt64().Should().Be(60_000);
        body.GetProperty("remaining_tokens").GetInt64().Should().Be(0);
        body.GetProperty("tokens_remaining").GetInt64().Should().Be(0);
    }

    [Theory]
    [InlineData("2026-11-30T22:59:00Z", "2026-11-30T23:00:00Z", "2026-11-01", "2026-12-01")]
    [InlineData("2026-12-31T22:59:00Z", "2026-12-31T23:00:00Z", "2026-12-01", "2027-01-01")]
    public async Task Rollover_AtLocalMidnight_StartsAtZeroAndInheritsTheRaisedQuota(string before, string after, string monthBefore, string monthAfter)
    {
        var user = await CreateUserAsync("ines");
        Factory.Clock.Now = DateTimeOffset.Parse(before, System.Globalization.CultureInfo.InvariantCulture);
        var first = await SendAsync(new GetTokenBalanceQuery(user.Id));
        first.Month.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture).Should().Be(monthBefore);
        await WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE user_token_usage SET used_tokens = 1234, quota_tokens = 80000 WHERE user_id = {user.Id}"));

        Factory.Clock.Now = DateTimeOffset.Parse(after, System.Globalization.CultureInfo.InvariantCulture);
        var second = await SendAsync(new GetTokenBalanceQuery(user.Id));

        second.Month.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture).Should().Be(monthAfter);
        second.UsedTokens.Should().Be(0);
        second.QuotaTokens.Should().Be(80_000, "the new month inherits the latest earlier quota");
        var rows = await WithDbAsync(db => db.TokenUsage.AsNoTracking().Where(t => t.UserId == user.Id).OrderBy(t => t.Month).ToListAsync());
        rows.Select(r => r.UsedTokens).Should().Equal(1234, 0);
    }

    [Fact]
    public async Task ConcurrentFirstRequests_OpenTheMonthOnce()
    {
        var user = await CreateUserAsync("jules");
        using var client = ClientWithToken(await LoginAsync("jules"));

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => client.GetAsync("/webhook/wibot/user/tokens")));

        responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        (await WithDbAsync(db => db.TokenUsage.CountAsync(t => t.UserId == user.Id))).Should().Be(1);
    }
}
