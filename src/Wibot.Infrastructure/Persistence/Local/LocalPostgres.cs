using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Wibot.Infrastructure.Persistence.Local;

/// <summary>Where and how to run the self-provisioned PostgreSQL cluster.</summary>
public sealed record LocalPostgresSettings
{
    /// <summary>Folder holding the cluster, its log and its password (default: <c>.wibot/</c> at the repository root).</summary>
    public string? Directory { get; init; }

    /// <summary>TCP port on 127.0.0.1; when absent, 55432 or, if taken, a free one (remembered in <c>postgres.port</c>).</summary>
    public int? Port { get; init; }

    /// <summary>Folder with initdb and pg_ctl; found automatically when absent.</summary>
    public string? BinDirectory { get; init; }

    public string Database { get; init; } = "wibot";
}

/// <summary>
/// Creates, starts and reuses a private PostgreSQL cluster from the binaries installed on the machine,
/// for when no connection string is configured. PostgreSQL refuses to run as root, so when this
/// process is root the cluster is owned and run by an unprivileged system account.
/// </summary>
public sealed partial class LocalPostgres(LocalPostgresSettings settings, ILogger logger)
{
    private const string SuperUser = "wibot";
    private const string FallbackServiceAccount = "wibot-postgres";
    private const int DefaultPort = 55432;

    private static int? ReadPort(string file) =>
        File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : null;

    private static bool IsPortFree(int port)
    {
        try
        {
            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Makes sure the cluster runs and returns a connection string to its maintenance database.</summary>
    public string EnsureRunning()
    {
        var root = ResolveRoot();
        System.IO.Directory.CreateDirectory(root);
        using var gate = AcquireLock(Path.Combine(root, "provision.lock"));

        var bin = ResolveBinDirectory();
        var account = IsRoot() ? ResolveServiceAccount() : null;
        var clusterHome = Path.Combine(root, "postgres");
        if (account is not null && !CanAccess(account, root))
        {
            clusterHome = Path.Combine("/var/lib/wibot", HashPath(root), "postgres");
        }

        var data = Path.Combine(clusterHome, "data");
        var passwordFile = Path.Combine(root, "postgres.secret");
        System.IO.Directory.CreateDirectory(clusterHome);
        if (account is not null)
        {
            Run("chown", ["-R", $"{account}:", clusterHome]);
            Run("chmod", ["700", clusterHome]);
        }

        var password = EnsurePassword(passwordFile);
        if (!File.Exists(Path.Combine(data, "PG_VERSION")))
        {
            LogInitializing(logger, data);
            var pwfile = Path.Combine(clusterHome, "initdb.pw");
            File.WriteAllText(pwfile, password);
            try
            {
                if (account is not null)
                {
                    Run("chown", [$"{account}:", pwfile]);
                }

                RunAs(account, Path.Combine(bin, "initdb"), ["-D", data, "-U", SuperUser, "--auth=scram-sha-256", $"--pwfile={pwfile}", "-E", "UTF8", "--locale=C.UTF-8"]);
            }
            finally
            {
                File.Delete(pwfile);
            }
        }

        var portFile = Path.Combine(root, "postgres.port");
        var port = settings.Port ?? ReadPort(portFile) ?? DefaultPort;
        if (!IsServerRunning(bin, account, data))
        {
            if (settings.Port is null && !IsPortFree(port))
            {
                port = FreePort();
            }

            File.WriteAllText(portFile, port.ToString(CultureInfo.InvariantCulture));
            LogStarting(logger, port);
            var options = $"-p {port.ToString(CultureInfo.InvariantCulture)} -k {data} -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=128MB -c fsync=on";
            RunAs(account, Path.Combine(bin, "pg_ctl"), ["-D", data, "-l", Path.Combine(clusterHome, "postgres.log"), "-o", options, "-w", "-t", "60", "start"]);
        }

        return new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = SuperUser,
            Password = password,
            Database = "postgres",
        }.ConnectionString;
    }

    /// <summary>Stops the cluster (used by tests that provision a throw-away one).</summary>
    public void Stop()
    {
        var root = ResolveRoot();
        var account = IsRoot() ? ResolveServiceAccount() : null;
        var clusterHome = Path.Combine(root, "postgres");
        if (account is not null && !CanAccess(account, root))
        {
            clusterHome = Path.Combine("/var/lib/wibot", HashPath(root), "postgres");
        }

        RunAs(account, Path.Combine(ResolveBinDirectory(), "pg_ctl"), ["-D", Path.Combine(clusterHome, "data"), "-m", "fast", "-w", "stop"], throwOnError: false);
    }

    /// <summary>Creates the database when it does not exist and returns a connection string to it.</summary>
    public static async Task<string> EnsureDatabaseAsync(string maintenanceConnectionString, string database, CancellationToken ct = default)
    {
        await using (var connection = new NpgsqlConnection(maintenanceConnectionString))
        {
            await connection.OpenAsync(ct);
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
            exists.Parameters.AddWithValue("name", database);
            if (await exists.ExecuteScalarAsync(ct) is null)
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
                try
                {
                    await create.ExecuteNonQueryAsync(ct);
                }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateDatabase)
                {
                    // Created by a concurrent start: fine.
                }
            }
        }

        return new NpgsqlConnectionStringBuilder(maintenanceConnectionString) { Database = database }.ConnectionString;
    }

    private string ResolveRoot()
    {
        if (!string.IsNullOrWhiteSpace(settings.Directory))
        {
            return Path.GetFullPath(settings.Directory);
        }

        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        for (var d = new DirectoryInfo(System.IO.Directory.GetCurrentDirectory()); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Wibot.sln")))
            {
                return Path.Combine(d.FullName, ".wibot");
            }
        }

        for (var d = dir; d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Wibot.sln")))
            {
                return Path.Combine(d.FullName, ".wibot");
            }
        }

        return Path.Combine(System.IO.Directory.GetCurrentDirectory(), ".wibot");
    }

    private string ResolveBinDirectory()
    {
        if (!string.IsNullOrWhiteSpace(settings.BinDirectory))
        {
            return settings.BinDirectory;
        }

        const string debianRoot = "/usr/lib/postgresql";
        if (System.IO.Directory.Exists(debianRoot))
        {
            var best = System.IO.Directory.GetDirectories(debianRoot)
                .Select(d => (Dir: d, Version: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1))
                .Where(x => x.Version > 0 && File.Exists(Path.Combine(x.Dir, "bin", "initdb")))
                .OrderByDescending(x => x.Version)
                .Select(x => Path.Combine(x.Dir, "bin"))
                .FirstOrDefault();
            if (best is not null)
            {
                return best;
            }
        }

        foreach (var p in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(p, "initdb")) && File.Exists(Path.Combine(p, "pg_ctl")))
            {
                return p;
            }
        }

        throw new InvalidOperationException(
            "No connection string is configured (ConnectionStrings:Wibot) and no PostgreSQL server binaries (initdb, pg_ctl) were found. " +
            "Install PostgreSQL (apt-get install postgresql) or set ConnectionStrings__Wibot.");
    }

    private static bool IsRoot() => OperatingSystem.IsLinux() && geteuid() == 0;

    [LibraryImport("libc")]
    private static partial uint geteuid();

    private static string ResolveServiceAccount()
    {
        if (Run("id", ["-u", "postgres"], throwOnError: false).ExitCode == 0)
        {
            return "postgres";
        }

        if (Run("id", ["-u", FallbackServiceAccount], throwOnError: false).ExitCode != 0)
        {
            Run("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", FallbackServiceAccount]);
        }

        return FallbackServiceAccount;
    }

    private static bool CanAccess(string account, string path) =>
        Run("runuser", ["-u", account, "--", "test", "-x", path], throwOnError: false).ExitCode == 0;

    private static string HashPath(string path) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(path)))[..16];

    private static string EnsurePassword(string file)
    {
        if (File.Exists(file))
        {
            var existing = File.ReadAllText(file).Trim();
            if (existing.Length > 0)
            {
                return existing;
            }
        }

        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        File.WriteAllText(file, password);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return password;
    }

    private static bool IsServerRunning(string bin, string? account, string data) =>
        RunAs(account, Path.Combine(bin, "pg_ctl"), ["-D", data, "status"], throwOnError: false).ExitCode == 0;

    private static FileStream AcquireLock(string path)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
        }
    }

    private static (int ExitCode, string Output) RunAs(string? account, string program, string[] args, bool throwOnError = true) =>
        account is null
            ? Run(program, args, throwOnError)
            : Run("runuser", ["-u", account, "--", program, .. args], throwOnError);

    private static (int ExitCode, string Output) Run(string program, string[] args, bool throwOnError = true)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {program}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        var output = stdout.Result + stderr.Result;
        if (throwOnError && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} failed with exit code {process.ExitCode}: {output.Trim()}");
        }

        return (process.ExitCode, output);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Initializing a local PostgreSQL cluster in {DataDirectory}")]
    private static partial void LogInitializing(ILogger logger, string dataDirectory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Starting the local PostgreSQL cluster on 127.0.0.1:{Port}")]
    private static partial void LogStarting(ILogger logger, int port);
}
