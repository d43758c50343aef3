using System.Reflection;
using Moneta.Errors;

namespace Moneta.Tests.Api;

public sealed class ErrorCatalogTests
{
    [Fact]
    public void Every_problem_code_is_documented_in_docs_errors_md()
    {
        var catalog = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "errors.md"));
        var codes = typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!);

        Assert.All(codes, code => Assert.Contains($"| `{code}` |", catalog, StringComparison.Ordinal));
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Moneta.sln")))
            directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("Moneta.sln not found above the test assembly.");
    }
}
