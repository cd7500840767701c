namespace Wibot.Api.Tests.Infrastructure;

/// <summary>The documents folder the test host indexes (emptied before each test).</summary>
public sealed class DocumentsFolder
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"wibot-docs-{Guid.NewGuid():N}");

    public void Reset()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }

        Directory.CreateDirectory(Root);
    }

    public string Write(string relativePath, string content)
    {
        var full = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    public void WriteBytes(string relativePath, byte[] content)
    {
        var full = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, content);
    }

    public void Delete(string relativePath) => File.Delete(Path.Combine(Root, relativePath));
}
