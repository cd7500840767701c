using Wibot.Api;
using Wibot.Infrastructure.Security;

try
{
    var app = WibotApp.Build(args);
    await app.RunAsync();
    return 0;
}
catch (StartupConfigurationException ex)
{
    await Console.Error.WriteLineAsync($"WIBOT cannot start: {ex.Message}");
    return 2;
}

/// <summary>Entry point type, visible to the functional tests' WebApplicationFactory.</summary>
public partial class Program;
