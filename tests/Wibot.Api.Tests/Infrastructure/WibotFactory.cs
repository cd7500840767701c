using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Respawn;
using Wibot.Infrastructure.Persistence.Local;

namespace Wibot.Api.Tests.Infrastructure;

/// <summary>
/// One WIBOT host per test run, on real Kestrel over HTTP and a real PostgreSQL: the server named
/// by <c>ConnectionStrings__Wibot</c> when set, else the self-provisioned local cluster. Each run
/// gets a fresh database, dropped at the end; Respawn empties it before each test.
/// </summary>
public class WibotFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string JwtSecret = "test-only-3f9c1e7a8b2d4c6e9f0a1b3c5d7e9f1a2b4c6d8e";
    public const string AdminPassword = "Bootstrap-Admin-Pw-42!";

    private string _maintenanceConnectionString = string.Empty;
    private Respawner? _respawner;

    public string DatabaseName { get; } = string.Create(CultureInfo.InvariantCulture, $"wibot_test_{DateTime.UtcNow:yyyyMMddHHmmss}_{Random.Shared.Next(100000, 999999)}");

    public string ConnectionString { get; private set; } = string.Empty;

    public TestClock Clock { get; } = new();

    public Fakes.FakeModelServer Model { get; } = new();

    /// <summary>A real MCP tool server on loopback, recording the calls it receives.</summary>
    public Fakes.FakeToolServer ToolServer { get; } = new();

    public DocumentsFolder Documents { get; } = new();

    /// <summary>Which language model provider the host talks to.</summary>
    protected virtual string Provider => "anthropic";

    public async Task InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable("ConnectionStrings__Wibot");
        _maintenanceConnectionString = string.IsNullOrWhiteSpace(configured)
            ? new LocalPostgres(new LocalPostgresSettings(), NullLogger.Instance).EnsureRunning()
            : new NpgsqlConnectionStringBuilder(configured) { Database = "postgres" }.ConnectionString;
        ConnectionString = await LocalPostgres.EnsureDatabaseAsync(_maintenanceConnectionString, DatabaseName);
        await Model.StartAsync();
        await ToolServer.StartAsync();
        Documents.Reset();

        UseKestrel(0);
        StartServer();

        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        _respawner = await Respawner.CreateAsync(connection, new RespawnerOptions
        {
            DbAdapter = DbAdapter.Postgres,
            SchemasToInclude = ["public"],
            TablesToIgnore = ["__EFMigrationsHistory", "audit_log", "data_protection_keys"],
        });
    }

    public async Task ResetDatabaseAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await _respawner!.ResetAsync(connection);

        // The audit log refuses DELETE and TRUNCATE (append-only triggers). Between tests only, as the
        // cluster's superuser, the triggers are skipped for this one statement (replica mode).
        await using var truncate = new NpgsqlCommand("SET session_replication_role = replica; TRUNCATE audit_log; SET session_replication_role = DEFAULT", connection);
        await truncate.ExecuteNonQueryAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Wibot", ConnectionString);
        builder.UseSetting("Jwt:Secret", JwtSecret);
        builder.UseSetting("Bootstrap:AdminPassword", AdminPassword);
        builder.UseSetting("Auth:PasswordIterations", "1000");
        builder.UseSetting("Auth:DelayStepMs", "20");
        builder.UseSetting("Auth:MaxDelayMs", "100");
        builder.UseSetting("Auth:MaxFailuresPerUsername", "6");
        builder.UseSetting("Auth:MaxFailuresPerAddress", "8");
        builder.UseSetting("Auth:SessionCacheSeconds", "5");
        builder.UseSetting("ReverseProxy:KnownNetworks:0", "127.0.0.0/8");
        builder.UseSetting("Rag:IndexOnStartup", "false");
        builder.UseSetting("Safeguard:EventKeepAliveSeconds", "1");
        builder.UseSetting("Rag:DocumentsPath", Documents.Root);
        builder.UseSetting("Llm:Provider", Provider);
        builder.UseSetting("Llm:Anthropic:ApiKey", "sk-test-not-a-real-key");
        builder.UseSetting("Llm:Anthropic:BaseUrl", Model.BaseUrl);
        builder.UseSetting("Llm:OpenAI:ApiKey", "test-openai-key");
        builder.UseSetting("Llm:OpenAI:BaseUrl", Model.BaseUrl + "/v1");
        builder.UseSetting("Llm:OpenAI:Model", "mistral-small-test");
        builder.UseSetting("Llm:TimeoutSeconds", "4");
        builder.UseSetting("Safeguard:ToolLevels:ad_disable_account", "L4");
        builder.UseSetting("Llm:Resilience:MaxRetries", "2");
        builder.UseSetting("Llm:Resilience:BaseDelayMs", "20");
        builder.UseSetting("Llm:Resilience:CircuitBreakerMinimumThroughput", "100000");
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
        });
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Model.DisposeAsync();
        await ToolServer.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_maintenanceConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{DatabaseName}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<WibotFactory>
{
    public const string Name = "api";
}

/// <summary>The same host, with an OpenAI-compatible provider (Mistral, Ollama, vLLM…).</summary>
public sealed class OpenAiWibotFactory : WibotFactory
{
    protected override string Provider => "openai";
}

[CollectionDefinition(Name)]
public sealed class OpenAiCollection : ICollectionFixture<OpenAiWibotFactory>
{
    public const string Name = "openai";
}

/// <summary>A second WIBOT instance on the same database (scale-out tests).</summary>
public sealed class SecondInstanceFactory(string connectionString) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Wibot", connectionString);
        builder.UseSetting("Jwt:Secret", WibotFactory.JwtSecret);
        builder.UseSetting("Bootstrap:AdminPassword", WibotFactory.AdminPassword);
        builder.UseSetting("Auth:PasswordIterations", "1000");
        builder.UseSetting("Auth:DelayStepMs", "20");
        builder.UseSetting("Auth:MaxDelayMs", "100");
        builder.UseSetting("Auth:MaxFailuresPerUsername", "6");
        builder.UseSetting("Auth:MaxFailuresPerAddress", "8");
        builder.UseSetting("Llm:Provider", "offline");
        builder.UseSetting("Rag:IndexOnStartup", "false");
    }
}
