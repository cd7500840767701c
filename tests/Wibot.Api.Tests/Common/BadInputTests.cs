using System.Net;
using System.Text;
using Wibot.Api.Tests.Infrastructure;

namespace Wibot.Api.Tests.Common;

public sealed class BadInputTests(WibotFactory factory) : ApiTestBase(factory)
{
    [Theory]
    [InlineData("{\"username\":")]
    [InlineData("not json at all")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"username\": 12, \"password\": true}")]
    [InlineData("")]
    public async Task Login_WithMalformedBody_Returns400Problem(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        var response = await Client.PostAsync("/webhook/auth/login", content);

        await AssertProblemAsync(response, 400);
    }

    [Fact]
    public async Task Login_WithHugeBody_Returns413Problem()
    {
        var huge = "{\"username\":\"x\",\"password\":\"" + new string('a', 3 * 1024 * 1024) + "\"}";
        using var content = new StringContent(huge, Encoding.UTF8, "application/json");

        var response = await Client.PostAsync("/webhook/auth/login", content);

        await AssertProblemAsync(response, 413);
    }

    [Fact]
    public async Task Login_WithWrongContentType_Returns415Problem()
    {
        using var content = new StringContent("username=x&password=y", Encoding.UTF8, "text/plain");

        var response = await Client.PostAsync("/webhook/auth/login", content);

        await AssertProblemAsync(response, 415);
    }

    [Fact]
    public async Task UnknownRoute_Returns404Problem()
    {
        await CreateUserAsync("rita");
        using var client = ClientWithToken(await LoginAsync("rita"));

        var response = await client.GetAsync("/webhook/wibot/does-not-exist");

        await AssertProblemAsync(response, 404);
    }

    [Fact]
    public async Task Health_LiveAndReady_Answer200()
    {
        (await Client.GetAsync("/health/live")).StatusCode.Should().Be(HttpStatusCode.OK);
        var ready = await Client.GetAsync("/health/ready");
        ready.StatusCode.Should().Be(HttpStatusCode.OK);
        (await ReadJsonAsync(ready)).GetProperty("status").GetString().Should().Be("Healthy");
    }

    [Fact]
    public async Task Responses_CarrySecurityHeaders()
    {
        var response = await Client.GetAsync("/health/live");

        response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
        response.Headers.GetValues("X-Frame-Options").Should().Equal("DENY");
        response.Headers.GetValues("Content-Security-Policy").Single().Should().Contain("default-src 'self'").And.Contain("frame-ancestors 'none'");
    }

    [Fact]
    public async Task Swagger_DocumentsBearerAuthAndTheLoginRoute()
    {
        var response = await Client.GetAsync("/swagger/v1/swagger.json");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var doc = await ReadJsonAsync(response);
        doc.GetProperty("paths").TryGetProperty("/webhook/auth/login", out _).Should().BeTrue();
        var scheme = doc.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        scheme.GetProperty("scheme").GetString().Should().Be("bearer");
        (await Client.GetAsync("/swagger/index.html")).StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
