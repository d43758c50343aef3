using System.Text.RegularExpressions;

namespace Moneta;

/// <summary>
/// Every id (contract_id, organization and mPass ids, template names, kids) is 1 to 128 characters of
/// letters, digits and '-', '_', '.', ':'. Nothing else reaches a grain key or a storage key.
/// </summary>
public static partial class Ids
{
    public const int MaxLength = 128;

    public static bool IsValid(string? id) => id is not null && IdPattern().IsMatch(id);

    [GeneratedRegex(@"^[A-Za-z0-9._:-]{1,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}
