using System.Text.Json;
using System.Text.Json.Nodes;
using Wibot.Api.Tests.Infrastructure;

namespace Wibot.Api.Tests.Common;

/// <summary>
/// The OpenAPI document is what clients generate their types from (the SPA does, from
/// <c>src/Wibot.Web/openapi.json</c>). The committed copy must be the document the API serves, so that
/// the Spectral lint of the test command judges the real one. <c>WIBOT_UPDATE_OPENAPI=1</c> rewrites it.
/// </summary>
public sealed class OpenApiDocumentTests(WibotFactory factory) : ApiTestBase(factory)
{
    [Fact]
    public async Task TheCommittedDocument_IsTheOneTheApiServes()
    {
        var live = JsonNode.Parse(await Client.GetStringAsync("/swagger/v1/swagger.json"))!;
        var path = Path.Combine(RepositoryRoot(), "src", "Wibot.Web", "openapi.json");
        var text = live.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
        if (Environment.GetEnvironmentVariable("WIBOT_UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(path, text);
        }

        var committed = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        JsonNode.DeepEquals(live, committed).Should().BeTrue(
            "src/Wibot.Web/openapi.json must be regenerated after an API change (WIBOT_UPDATE_OPENAPI=1 dotnet test --filter OpenApiDocumentTests, then npm run gen:api)");
    }

    [Fact]
    public async Task EveryOperation_HasAnIdADescription_AndItsProblemAnswers()
    {
        var doc = JsonNode.Parse(await Client.GetStringAsync("/swagger/v1/swagger.json"))!;
        var ids = new List<string>();
        foreach (var (path, item) in doc["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var id = operation!["operationId"]?.GetValue<string>();
                id.Should().NotBeNullOrWhiteSpace($"{method} {path}");
                ids.Add(id!);
                operation["description"]?.GetValue<string>().Should().NotBeNullOrWhiteSpace($"{method} {path}");
                var responses = operation["responses"]!.AsObject();
                responses.Should().ContainKey("500", $"{method} {path}");
                if (path != "/webhook/auth/login")
                {
                    responses.Should().ContainKey("401", $"{method} {path} needs a token or a key");
                }
            }
        }

        ids.Should().OnlyHaveUniqueItems();
        var chat429 = doc["paths"]!["/webhook/wibot/chat"]!["post"]!["responses"]!["429"]!;
        chat429["headers"]!["Retry-After"].Should().NotBeNull();
        chat429["content"]!["application/problem+json"].Should().NotBeNull();
    }

    [Fact]
    public async Task TheDocumentedBounds_AreTheEnforcedOnes()
    {
        var doc = JsonNode.Parse(await Client.GetStringAsync("/swagger/v1/swagger.json"))!;
        int Max(string schema, string property) => doc["components"]!["schemas"]![schema]!["properties"]![property]!["maxLength"]!.GetValue<int>();
        await CreateUserAsync("bounds.user");
        using var client = ClientWithToken(await LoginAsync("bounds.user"));

        var title = Max("CreateConversationBody", "title");
        (await client.PostAsync("/webhook/wibot/conversations", Json(new { title = new string('t', title) }))).StatusCode.Should().Be(System.Net.HttpStatusCode.Created);
        await AssertProblemAsync(await client.PostAsync("/webhook/wibot/conversations", Json(new { title = new string('t', title + 1) })), 400);

        var comment = Max("DecisionBody", "comment");
        await AssertProblemAsync(await client.PostAsync("/webhook/wibot/safeguard/reject", Json(new { request_id = "APR-001", comment = new string('c', comment + 1) })), 400);
        var requestId = Max("DecisionBody", "request_id");
        await AssertProblemAsync(await client.PostAsync("/webhook/wibot/safeguard/approve", Json(new { request_id = "APR-" + new string('1', requestId) })), 400);

        var limit = doc["paths"]!["/webhook/wibot/conversations"]!["get"]!["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "limit")!["schema"]!["maximum"]!;
        var maxLimit = int.Parse(limit.ToString(), System.Globalization.CultureInfo.InvariantCulture);
        (await client.GetAsync($"/webhook/wibot/conversations?limit={maxLimit}")).StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
        await AssertProblemAsync(await client.GetAsync($"/webhook/wibot/conversations?limit={maxLimit + 1}"), 400);
    }

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Wibot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Wibot.sln not found above the test binaries.");
    }
}
