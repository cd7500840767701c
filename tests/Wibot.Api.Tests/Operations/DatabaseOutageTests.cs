using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Wibot.Api.Tests.Infrastructure;
using Wibot.Infrastructure.Persistence.Local;

namespace Wibot.Api.Tests.Operations;

/// <summary>PostgreSQL stopped under a running WIBOT, then restarted: clear 503s meanwhile, and recovery without a restart.</summary>
public sealed class DatabaseOutageTests
{
    [Fact]
    public async Task WhenPostgresStops_RequestsFailFastWith503_ReadinessGoesRed_AndServiceReturnsByItself()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"wibot-outage-{Guid.NewGuid():N}");
        var pgPort = Ports.Free();
        var cluster = new LocalPostgres(new LocalPostgresSettings { Directory = dir, Port = pgPort }, NullLogger.Instance);
        var port = Ports.Free();
        Process? api = null;
        try
        {
            var maintenance = cluster.EnsureRunning();
            var connectionString = await LocalPostgres.EnsureDatabaseAsync(maintenance, "wibot_outage");
            var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            info.ArgumentList.Add(typeof(Program).Assembly.Location);
            info.ArgumentList.Add("--urls");
            info.ArgumentList.Add($"http://127.0.0.1:{port}");
            info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            info.Environment["ConnectionStrings__Wibot"] = connectionString + ";Timeout=3";
            info.Environment["Jwt__Secret"] = "outage-test-3c9a1f7e5b2d4c6e8f0a1b2c3d4e5f6a7b8c9d0e";
            info.Environment["Bootstrap__AdminPassword"] = "Outage-Admin-Pw-1";
            info.Environment["Auth__PasswordIterations"] = "1000";
            info.Environment["Llm__Provider"] = "offline";
            info.Environment["Rag__IndexOnStartup"] = "false";
            api = Process.Start(info)!;
            api.BeginOutputReadLine();
            api.BeginErrorReadLine();

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(20) };
            await WaitAsync(async () => (await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(90));
            var login = await http.PostAsJsonAsync("/webhook/auth/login", new { username = "admin", password = "Outage-Admin-Pw-1" });
            var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            (await http.PostAsJsonAsync("/webhook/wibot/chat", new { message = "avant la panne", mode = "flash" })).StatusCode.Should().Be(HttpStatusCode.OK);

            cluster.Stop();

            var started = Stopwatch.StartNew();
            var down = await http.GetAsync(new Uri("/webhook/wibot/conversations", UriKind.Relative));
            started.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5), "requests fail fast while the database is down");
            down.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, "not 401: the token is fine, the database is not");
            down.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
            (await down.Content.ReadAsStringAsync()).Should().NotContain("Npgsql").And.NotContain("   at ");
            (await http.PostAsJsonAsync("/webhook/wibot/chat", new { message = "pendant la panne", mode = "flash" })).StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
            (await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
            (await http.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.OK);

            cluster.EnsureRunning();

            await WaitAsync(async () => (await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30));
            var after = await http.GetAsync(new Uri("/webhook/wibot/conversations", UriKind.Relative));
            after.StatusCode.Should().Be(HttpStatusCode.OK);
            var conversations = (await after.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("conversations");
            conversations.GetArrayLength().Should().Be(1, "the message sent before the outage is there and the refused one was not half-stored");
            conversations[0].GetProperty("message_count").GetInt32().Should().Be(2);
            (await http.PostAsJsonAsync("/webhook/wibot/chat", new { message = "après la panne", mode = "flash" })).StatusCode.Should().Be(HttpStatusCode.OK);
        }
        finally
        {
            if (api is { HasExited: false })
            {
                api.Kill(entireProcessTree: true);
                await api.WaitForExitAsync();
            }

            cluster.Stop();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(250);
        }

        throw new TimeoutException("Condition not met in time.");
    }
}
