using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Wibot.Api.Tests.Infrastructure;
using Wibot.Infrastructure.Persistence.Local;

namespace Wibot.Api.Tests.Operations;

/// <summary>Starts the real WIBOT process the way an operator does, with no test host in between.</summary>
public sealed class StartupTests
{
    [Fact]
    public async Task Start_WithoutConnectionString_ProvisionsPostgres_AndASecondStartReusesIt()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"wibot-startup-{Guid.NewGuid():N}");
        var pgPort = Ports.Free();
        var settings = new LocalPostgresSettings { Directory = dir, Port = pgPort };
        try
        {
            var env = new Dictionary<string, string>
            {
                ["Database__Local__Directory"] = dir,
                ["Database__Local__Port"] = pgPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Jwt__Secret"] = "startup-test-7d1f3b9a2c4e6f8a0b1c3d5e7f9a1b3c5d7e9f",
                ["Bootstrap__AdminPassword"] = "Startup-Admin-Pw-1",
                ["Rag__IndexOnStartup"] = "false",
            };

            var first = await RunUntilReadyAsync(env);
            first.Ready.Should().BeTrue(first.Output);
            first.Output.Should().Contain("Initializing a local PostgreSQL cluster");
            first.Output.Should().NotContain("Startup-Admin-Pw-1", "a configured password is never printed");
            File.Exists(Path.Combine(dir, "postgres", "data", "PG_VERSION")).Should().BeTrue();

            var second = await RunUntilReadyAsync(env);
            second.Ready.Should().BeTrue(second.Output);
            second.Output.Should().NotContain("Initializing a local PostgreSQL cluster", "the second start reuses the cluster");
            second.LoginStatus.Should().Be(HttpStatusCode.OK, "the admin created by the first start is still there");
        }
        finally
        {
            new LocalPostgres(settings, NullLogger.Instance).Stop();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("wibot_secret")]
    [InlineData("short-secret")]
    [InlineData("")]
    public async Task Start_InProduction_WithMissingOrWeakJwtSecret_RefusesWithAClearMessage(string secret)
    {
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Jwt__Secret"] = secret,
            ["ConnectionStrings__Wibot"] = "Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none",
        };

        using var process = Start(env, Ports.Free());
        var exited = await Task.Run(() => process.WaitForExit(60_000));
        exited.Should().BeTrue();
        var stderr = await process.StandardError.ReadToEndAsync();
        process.ExitCode.Should().NotBe(0);
        stderr.Should().Contain("Jwt:Secret").And.Contain("Refusing to start");
        stderr.Should().NotContain("   at ", "the operator gets a message, not a stack trace");
    }

    private static async Task<(bool Ready, string Output, HttpStatusCode? LoginStatus)> RunUntilReadyAsync(Dictionary<string, string> env)
    {
        var port = Ports.Free();
        using var process = Start(env, port);
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
        var ready = false;
        HttpStatusCode? login = null;
        var deadline = DateTime.UtcNow.AddSeconds(120);
        try
        {
            while (DateTime.UtcNow < deadline && !process.HasExited)
            {
                try
                {
                    var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        ready = true;
                        using var content = new StringContent("{\"username\":\"admin\",\"password\":\"Startup-Admin-Pw-1\"}", Encoding.UTF8, "application/json");
                        login = (await http.PostAsync(new Uri("/webhook/auth/login", UriKind.Relative), content)).StatusCode;
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                    // not listening yet
                }
                catch (TaskCanceledException)
                {
                    // slow start
                }

                await Task.Delay(250);
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
        }

        lock (output)
        {
            return (ready, output.ToString(), login);
        }
    }

    private static Process Start(Dictionary<string, string> env, int port)
    {
        var dll = typeof(Program).Assembly.Location;
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        info.Environment.Remove("ConnectionStrings__Wibot");
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in env)
        {
            info.Environment[key] = value;
        }

        return Process.Start(info)!;
    }
}
