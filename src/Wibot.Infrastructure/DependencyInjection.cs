using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Wibot.Application.Common.Exceptions;
using Wibot.Application.Common.Interfaces;
using Wibot.Application.Common.Options;
using Wibot.Application.Common.Security;
using Wibot.Domain.Tokens;
using Wibot.Infrastructure.Llm;
using Wibot.Infrastructure.Persistence;
using Wibot.Infrastructure.Persistence.Local;
using Wibot.Infrastructure.Security;

namespace Wibot.Infrastructure;

public static partial class DependencyInjection
{
    public static IServiceCollection AddInfrastructure(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment, ILogger? startupLogger = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        startupLogger ??= NullLogger.Instance;

        services.Configure<JwtOptions>(configuration.GetSection(JwtOptions.Section));
        services.Configure<AuthOptions>(configuration.GetSection(AuthOptions.Section));
        services.Configure<QuotaOptions>(configuration.GetSection(QuotaOptions.Section));
        services.Configure<BootstrapOptions>(configuration.GetSection(BootstrapOptions.Section));
        services.AddSingleton(TimeProvider.System);

        var quota = configuration.GetSection(QuotaOptions.Section).Get<QuotaOptions>() ?? new QuotaOptions();
        TimeZoneInfo zone;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(quota.TimeZone);
        }
        catch (TimeZoneNotFoundException)
        {
            throw new StartupConfigurationException($"Quota:TimeZone '{quota.TimeZone}' is not a known time zone.");
        }

        services.AddSingleton(new QuotaCalendar(zone));

        AddAccessTokenKey(services, configuration, environment, startupLogger);

        // Database: the configured server, or a local cluster this process provisions itself.
        var connectionString = configuration.GetConnectionString("Wibot");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            var local = configuration.GetSection("Database:Local").Get<LocalPostgresSettings>() ?? new LocalPostgresSettings();
            var maintenance = new LocalPostgres(local, startupLogger).EnsureRunning();
            connectionString = LocalPostgres.EnsureDatabaseAsync(maintenance, local.Database).GetAwaiter().GetResult();
        }

        var dataSource = new NpgsqlDataSourceBuilder(WithStatementCache(connectionString)).Build();
        services.AddSingleton(dataSource);
        services.AddDbContextPool<WibotDbContext>((sp, o) =>
        {
            ConfigureDbContext(o, dataSource);
            o.AddInterceptors(new SessionRevocationInterceptor(sp.GetRequiredService<IUserSessionCache>()));
        });
        services.AddScoped<IWibotDbContext>(sp => sp.GetRequiredService<WibotDbContext>());

        services.AddSingleton<IStorageFaults, PostgresStorageFaults>();
        services.AddSingleton<IPasswordHasher, Pbkdf2PasswordHasher>();
        services.AddSingleton<ILoginThrottle, PostgresLoginThrottle>();
        services.AddSingleton<UserSessionCache>();
        services.AddSingleton<IUserSessionCache>(sp => sp.GetRequiredService<UserSessionCache>());
        services.AddSingleton<ITokenIssuer, JwtTokenIssuer>();
        services.AddSingleton<Tokens.InstanceIdentity>();
        services.AddScoped<ITokenLedger, Tokens.PostgresTokenLedger>();
        services.AddScoped<IUsageAnalytics, Analytics.PostgresUsageAnalytics>();

        services.AddLanguageModel(configuration);
        services.Configure<AttachmentOptions>(configuration.GetSection(AttachmentOptions.Section));
        services.AddSingleton<IAttachmentReader, Attachments.AttachmentReader>();
        services.Configure<RagOptions>(configuration.GetSection(RagOptions.Section));
        services.AddSingleton<Rag.PostgresDocumentIndex>();
        services.AddSingleton<IDocumentIndex>(sp => sp.GetRequiredService<Rag.PostgresDocumentIndex>());
        services.AddSingleton<IDocumentRetriever>(sp => sp.GetRequiredService<Rag.PostgresDocumentIndex>());

        AddSecretProtection(services, configuration);
        services.AddSingleton<ISecretProtector, Tools.DataProtectionSecretProtector>();
        services.Configure<Tools.ToolServerClientOptions>(configuration.GetSection(Tools.ToolServerClientOptions.Section));
        services.AddHttpClient(Tools.McpToolServerClient.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton<IToolServerClient, Tools.McpToolServerClient>();

        services.AddOptions<SafeguardOptions>().Bind(configuration.GetSection(SafeguardOptions.Section))
            .Validate(o => o.Levels.All(l => Enum.TryParse<Domain.Safeguard.ActionLevel>(l.Key, out _) && l.Value.Approvals is null or (>= 1 and <= 5)),
                "Safeguard:Levels: keys are L1..L4 and Approvals is between 1 and 5.")
            .Validate(o => o.ToolLevels.Keys.All(tool => o.MinimumLevelFor(tool) is not null),
                "Safeguard:ToolLevels: each value is L1, L2, L3 or L4.")
            .ValidateOnStart();
        services.AddHostedService<DatabaseInitializerService>();
        services.AddSingleton<Safeguard.PostgresSafeguardSignals>();
        services.AddSingleton<ISafeguardSignals>(sp => sp.GetRequiredService<Safeguard.PostgresSafeguardSignals>());
        services.AddScoped<ISafeguardPublisher, Safeguard.PostgresSafeguardPublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<Safeguard.PostgresSafeguardSignals>());
        services.AddHostedService<Safeguard.SafeguardExpiryService>();
        services.AddHostedService<Safeguard.ToolCallRunner>();
        services.AddHostedService<Tokens.ReservationSweeper>();
        services.AddHostedService<Rag.RagStartupIndexer>();
        services.AddHealthChecks().AddCheck<DatabaseReadyHealthCheck>("database", tags: ["ready"]);
        return services;
    }

    internal static void ConfigureDbContext(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, n => n.MigrationsHistoryTable("__EFMigrationsHistory"))
            .UseSnakeCaseNamingConvention();

    /// <summary>
    /// Statements run again and again (every route's queries) are prepared once per connection, which
    /// spares PostgreSQL their planning; a connection string that sets these keys keeps its own values.
    /// </summary>
    private static string WithStatementCache(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!builder.ContainsKey("Max Auto Prepare"))
        {
            builder.MaxAutoPrepare = 64;
        }

        if (!builder.ContainsKey("Auto Prepare Min Usages"))
        {
            builder.AutoPrepareMinUsages = 2;
        }

        return builder.ConnectionString;
    }

    private static void ConfigureDbContext(DbContextOptionsBuilder options, NpgsqlDataSource dataSource) =>
        options.UseNpgsql(dataSource, n => n.MigrationsHistoryTable("__EFMigrationsHistory"))
            .UseSnakeCaseNamingConvention();

    /// <summary>
    /// Secrets at rest (tool servers' headers) under ASP.NET Data Protection. Its key ring lives in
    /// PostgreSQL so that every instance reads what another wrote; with
    /// <c>DataProtection:CertificatePath</c> (a PKCS#12 file, <c>DataProtection:CertificatePassword</c>)
    /// the keys themselves are encrypted with that certificate, so that a copy of the database alone
    /// does not reveal the secrets.
    /// </summary>
    private static void AddSecretProtection(IServiceCollection services, IConfiguration configuration)
    {
        var protection = services.AddDataProtection().SetApplicationName("WIBOT").PersistKeysToDbContext<WibotDbContext>();
        var certificatePath = configuration["DataProtection:CertificatePath"];
        if (!string.IsNullOrWhiteSpace(certificatePath))
        {
            if (!File.Exists(certificatePath))
            {
                throw new StartupConfigurationException($"DataProtection:CertificatePath '{certificatePath}' does not exist.");
            }

            protection.ProtectKeysWithCertificate(System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(
                certificatePath, configuration["DataProtection:CertificatePassword"]));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Development: {Problem} Using a random key for this process only")]
    private static partial void LogEphemeralKey(ILogger logger, string problem);

    private static void AddAccessTokenKey(IServiceCollection services, IConfiguration configuration, IHostEnvironment environment, ILogger startupLogger)
    {
        var jwt = configuration.GetSection(JwtOptions.Section).Get<JwtOptions>() ?? new JwtOptions();
        var secret = jwt.Secret;
        var problem = JwtSecretPolicy.Problem(secret);
        if (problem is not null)
        {
            if (!environment.IsDevelopment())
            {
                throw new StartupConfigurationException($"Refusing to start in {environment.EnvironmentName}: {problem}");
            }

            LogEphemeralKey(startupLogger, problem);
            secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
        }

        if (jwt.LifetimeHours is <= 0 or > 24 * 31)
        {
            throw new StartupConfigurationException("Jwt:LifetimeHours must be between 0 and 744.");
        }

        services.AddSingleton(new AccessTokenKey(Encoding.UTF8.GetBytes(secret!)));
    }
}

/// <summary>Ready when the database answers and every migration is applied.</summary>
internal sealed class DatabaseReadyHealthCheck(WibotDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var pending = await db.Database.GetPendingMigrationsAsync(cancellationToken);
            return pending.Any()
                ? HealthCheckResult.Unhealthy("Database migrations are pending.")
                : HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Database unreachable.");
        }
    }
}
