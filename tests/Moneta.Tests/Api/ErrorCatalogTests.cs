using System.Reflection;
using Moneta.Errors;
using Moneta.Tests.Support;

namespace Moneta.Tests.Api;

public sealed class ErrorCatalogTests
{
    [Fact]
    public void Every_problem_code_is_documented_in_docs_errors_md()
    {
        var catalog = Repository.ReadFile("docs", "errors.md");
        var codes = typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!);

        Assert.All(codes, code => Assert.Contains($"| `{code}` |", catalog, StringComparison.Ordinal));
    }
}
