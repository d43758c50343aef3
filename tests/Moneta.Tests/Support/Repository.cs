namespace Moneta.Tests.Support;

/// <summary>The repository the tests run from, for tests that hold documents to what the code does.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string ReadFile(params string[] path) => File.ReadAllText(Path.Combine([Root, .. path]));

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Moneta.sln")))
            directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("Moneta.sln not found above the test assembly.");
    }
}
