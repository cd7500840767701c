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

    /// <summary>The host's settings (the database excepted), shared with the other instances a test starts.</summary>
    private Dictionary<string, string?> Settings() => new()
    {
        ["Jwt:Secret"] = JwtSecret,
        ["Bootstrap:AdminPassword"] = AdminPassword,
        ["Auth:PasswordIterations"] = "1000",
        ["Auth:DelayStepMs"] = "20",
        ["Auth:MaxDelayMs"] = "100",
        ["Auth:MaxFailuresPerUsername"] = "6",
        ["Auth:MaxFailuresPerAddress"] = "8",
        ["Auth:SessionCacheSeconds"] = "5",
        ["ReverseProxy:KnownNetworks:0"] = "127.0.0.0/8",
        ["Rag:IndexOnStartup"] = "false",
        ["Safeguard:EventKeepAliveSeconds"] = "1",
        ["Rag:DocumentsPath"] = Documents.Root,
        ["Llm:Provider"] = Provider,
        ["Llm:Anthropic:ApiKey"] = "sk-test-not-a-real-key",
        ["Llm:Anthropic:BaseUrl"] = Model.BaseUrl,
        ["Llm:OpenAI:ApiKey"] = "test-openai-key",
        ["Llm:OpenAI:BaseUrl"] = Model.BaseUrl + "/v1",
        ["Llm:OpenAI:Model"] = "mistral-small-test",
        ["Llm:TimeoutSeconds"] = "4",
        ["Safeguard:ToolLevels:ad_disable_account"] = "L4",
        ["Llm:Resilience:MaxRetries"] = "2",
        ["Llm:Resilience:BaseDelayMs"] = "20",
        ["Llm:Resilience:CircuitBreakerMinimumThroughput"] = "100000",
    };

    /// <summary>
    /// Starts another WIBOT instance like this one (same database, model, documents) on real Kestrel,
    /// with some settings changed: scale-out tests, or a setting this host does not have. Its clock is the real one.
    /// </summary>
    public SecondInstanceFactory StartInstance(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = Settings();
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var instance = new SecondInstanceFactory(ConnectionString, settings);
        instance.UseKestrel(0);
        instance.StartServer();
        return instance;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Wibot", ConnectionString);
        foreach (var (key, value) in Settings())
        {
            builder.UseSetting(key, value);
        }

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

/// <summary>A second WIBOT instance on the same database (scale-out tests); <paramref name="settings"/> replace the defaults below.</summary>
public sealed class SecondInstanceFactory(string connectionString, IReadOnlyDictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
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
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
    }
}
