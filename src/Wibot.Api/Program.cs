using Wibot.Api;
using Wibot.Application.Common.Exceptions;

try
{
    var app = WibotApp.Build(args);
    if (args.Length > 0 && args[0] == "ingest")
    {
        // Command-line verb: index the documents folder, print the counts, exit.
        return await WibotApp.IngestAsync(app);
    }

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
