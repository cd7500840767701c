using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Wibot.Api.Tests.Infrastructure;
using Npgsql;
using Wibot.Api.Tests.Fakes;
using Wibot.Infrastructure.Persistence.Local;

namespace Wibot.Api.Tests.Operations;

/// <summary>SIGTERM while answers are streaming: the process stops promptly and leaves no half-written rows.</summary>
public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task Sigterm_DuringStreams_StoresThePartialAnswersAndTheirUsage_ThenExits()
    {
        var maintenance = new LocalPostgres(new LocalPostgresSettings(), NullLogger.Instance).EnsureRunning();
        var dbName = $"wibot_shutdown_{Guid.NewGuid():N}";
        var connectionString = await LocalPostgres.EnsureDatabaseAsync(maintenance, dbName);
        await using var model = new FakeModelServer();
        await model.StartAsync();
        var port = Ports.Free();
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(typeof(Program).Assembly.Location);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["ConnectionStrings__Wibot"] = connectionString;
        info.Environment["Jwt__Secret"] = "shutdown-test-8b1e4c7a2f5d9e3b6a0c1d2e3f4a5b6c7d8e9f0a";
        info.Environment["Bootstrap__AdminPassword"] = "Shutdown-Admin-Pw-1";
        info.Environment["Auth__PasswordIterations"] = "1000";
        info.Environment["Llm__Provider"] = "anthropic";
        info.Environment["Llm__Anthropic__ApiKey"] = "sk-test";
        info.Environment["Llm__Anthropic__BaseUrl"] = model.BaseUrl;
        info.Environment["Rag__IndexOnStartup"] = "false";
        using var api = Process.Start(info)!;
        api.BeginOutputReadLine();
        api.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
            for (var i = 0; i < 240 && !await ReadyAsync(http); i++)
            {
                await Task.Delay(250);
            }

            var login = await http.PostAsJsonAsync("/webhook/auth/login", new { username = "admin", password = "Shutdown-Admin-Pw-1" });
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString());
            model.Enqueue(new FakeBehavior.StreamThenStall("Réponse partielle A", 120), new FakeBehavior.StreamThenStall("Réponse partielle B", 80));

            var streams = new List<Task<string>>();
            for (var i = 0; i < 2; i++)
            {
                streams.Add(ReadStreamAsync(http, $"question {i}"));
            }

            for (var i = 0; i < 100 && model.Requests.Count < 2; i++)
            {
                await Task.Delay(100);
            }

            await Task.Delay(500); // both streams have sent their deltas and stalled
            var stopping = Stopwatch.StartNew();
            using (var kill = Process.Start("kill", ["-TERM", api.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill!.WaitForExitAsync();
            }

            (await Task.Run(() => api.WaitForExit(15_000))).Should().BeTrue("the server stops without waiting for the stalled model");
            stopping.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(15));
            var bodies = await Task.WhenAll(streams);
            bodies.Should().OnlyContain(b => b.Contains("event: delta", StringComparison.Ordinal));

            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var answers = new NpgsqlCommand("SELECT content, tokens_used FROM messages WHERE role = 'assistant' ORDER BY content", connection);
            var stored = new List<(string Content, int Tokens)>();
            await using (var reader = await answers.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    stored.Add((reader.GetString(0), reader.GetInt32(1)));
                }
            }

            stored.Select(s => s.Content).Should().Equal("Réponse partielle A", "Réponse partielle B");
            stored.Should().OnlyContain(s => s.Tokens > 0);
            await using var usage = new NpgsqlCommand("SELECT used_tokens, reserved_tokens FROM user_token_usage", connection);
            await using var usageReader = await usage.ExecuteReaderAsync();
            (await usageReader.ReadAsync()).Should().BeTrue();
            usageReader.GetInt64(0).Should().Be(stored.Sum(s => (long)s.Tokens), "each partial answer is charged once");
            usageReader.GetInt64(1).Should().Be(0, "no reservation is left behind");
        }
        finally
        {
            if (!api.HasExited)
            {
                api.Kill(entireProcessTree: true);
            }

            NpgsqlConnection.ClearAllPools();
            await using var c = new NpgsqlConnection(maintenance);
            await c.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{dbName}\" WITH (FORCE)", c);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static async Task<string> ReadStreamAsync(HttpClient http, string message)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhook/wibot/chat") { Content = JsonContent.Create(new { message, mode = "code" }) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            var text = new System.Text.StringBuilder();
            try
            {
                while (await reader.ReadLineAsync() is { } line)
                {
                    text.AppendLine(line);
                }
            }
            catch (IOException)
            {
                // the connection closes when the server stops
            }
            catch (HttpRequestException)
            {
            }

            return text.ToString();
        }
        catch (HttpRequestException ex)
        {
            return ex.Message;
        }
    }

    private static async Task<bool> ReadyAsync(HttpClient http)
    {
        try
        {
            return (await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
