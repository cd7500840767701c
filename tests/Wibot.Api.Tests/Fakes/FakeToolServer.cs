using System.Collections.Concurrent;
using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Wibot.Api.Tests.Fakes;

/// <summary>
/// A real MCP server (the SDK's server side, Streamable HTTP on Kestrel, loopback) with the company's
/// tools of the original WIBOT. It asks for <c>Authorization: Bearer <see cref="Secret"/></c> and
/// records every call it receives (tool, arguments, the request id passed in <c>_meta</c>), so that
/// tests can count executions. With <paramref name="troublesome"/>, it also has a tool that takes its
/// time (<c>slow_tool</c>) and one whose result is huge (<c>huge_tool</c>); <c>/junk</c> answers what
/// no MCP server would.
/// </summary>
public sealed class FakeToolServer(bool troublesome = false) : IAsyncDisposable
{
    public const string Secret = "outil-secret-7f3a9c";

    private WebApplication? _app;

    public string Url { get; private set; } = string.Empty;

    public ConcurrentQueue<ReceivedCall> Calls { get; } = new();

    /// <summary>The endpoint on the same server that answers junk (200, HTML) to anything.</summary>
    public string JunkUrl => Url[..^"/mcp".Length] + "/junk";

    public async Task StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"));
        builder.Services.AddSingleton(this);
        var mcp = builder.Services.AddMcpServer()
            .WithHttpTransport(o => o.Stateless = true)
            .WithTools<CompanyTools>();
        if (troublesome)
        {
            mcp.WithTools<TroublesomeTools>();
        }

        _app = builder.Build();
        _app.Use(async (ctx, next) =>
        {
            if (ctx.Request.Headers.Authorization != $"Bearer {Secret}")
            {
                ctx.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            await next();
        });
        _app.MapMcp("/mcp");
        _app.Map("/junk", async ctx =>
        {
            ctx.Response.ContentType = "text/html";
            await ctx.Response.WriteAsync("<html><body>Bienvenue sur le portail captif</body></html>");
        });
        await _app.StartAsync();
        Url = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/mcp";
    }

    public void Reset()
    {
        Calls.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    internal void Record(string tool, object arguments, RequestContext<CallToolRequestParams> context)
    {
        var requestId = context.Params?.Meta?["io.wibot/request-id"]?.ToString();
        Calls.Enqueue(new ReceivedCall(tool, JsonSerializer.SerializeToElement(arguments), requestId, System.Diagnostics.Stopwatch.GetTimestamp()));
    }

    /// <summary>A call as the server received it; <paramref name="ReceivedAt"/> is a <see cref="System.Diagnostics.Stopwatch"/> timestamp (for the benchmark).</summary>
    public sealed record ReceivedCall(string Tool, JsonElement Arguments, string? RequestId, long ReceivedAt);

    [McpServerToolType]
    public sealed class CompanyTools(FakeToolServer server)
    {
        [McpServerTool(Name = "ad_get_user_info", Title = "Fiche AD", ReadOnly = true), Description("Reads an Active Directory account: display name, state, last logon.")]
        public string AdGetUserInfo(RequestContext<CallToolRequestParams> context, [Description("The sAMAccountName.")] string username)
        {
            server.Record("ad_get_user_info", new { username }, context);
            return string.Create(CultureInfo.InvariantCulture, $"{username}: compte actif, dernière connexion 2026-12-01 08:12");
        }

        [McpServerTool(Name = "ad_unlock_account", Destructive = false), Description("Unlocks a locked-out Active Directory account.")]
        public string AdUnlockAccount(RequestContext<CallToolRequestParams> context, string username)
        {
            server.Record("ad_unlock_account", new { username }, context);
            return $"{username} déverrouillé";
        }

        [McpServerTool(Name = "ad_reset_password", Destructive = true), Description("Resets an Active Directory password; the user must change it at next logon.")]
        public string AdResetPassword(RequestContext<CallToolRequestParams> context, string username, [Description("The temporary password.")] string new_password)
        {
            server.Record("ad_reset_password", new { username, new_password }, context);
            return $"Mot de passe de {username} réinitialisé";
        }

        [McpServerTool(Name = "ad_disable_account", Destructive = true), Description("Disables an Active Directory account.")]
        public string AdDisableAccount(RequestContext<CallToolRequestParams> context, string username)
        {
            server.Record("ad_disable_account", new { username }, context);
            return $"{username} désactivé";
        }

        [McpServerTool(Name = "glpi_close_ticket", Idempotent = true), Description("Closes a GLPI ticket with a resolution note.")]
        public string GlpiCloseTicket(RequestContext<CallToolRequestParams> context, int ticket_id, string resolution)
        {
            server.Record("glpi_close_ticket", new { ticket_id, resolution }, context);
            return string.Create(CultureInfo.InvariantCulture, $"Ticket {ticket_id} clos");
        }
    }

    /// <summary>Tools that misbehave: too slow, or with a result far too long.</summary>
    [McpServerToolType]
    public sealed class TroublesomeTools(FakeToolServer server)
    {
        public const string HugeStart = "DEBUT-DU-JOURNAL ";
        public const string HugeEnd = " FIN-DU-JOURNAL";

        [McpServerTool(Name = "slow_tool", ReadOnly = true), Description("Answers after the given number of seconds.")]
        public async Task<string> SlowTool(RequestContext<CallToolRequestParams> context, int seconds, CancellationToken ct)
        {
            server.Record("slow_tool", new { seconds }, context);
            await Task.Delay(TimeSpan.FromSeconds(seconds), ct);
            return "enfin";
        }

        [McpServerTool(Name = "huge_tool", ReadOnly = true), Description("Answers with a text of the given length.")]
        public string HugeTool(RequestContext<CallToolRequestParams> context, int characters)
        {
            server.Record("huge_tool", new { characters }, context);
            var middle = Math.Max(0, characters - HugeStart.Length - HugeEnd.Length);
            return HugeStart + new string('x', middle) + HugeEnd;
        }
    }
}
