using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Moneta.Api.Http;

/// <summary>Checks on request members, each failing with a problem that names the member.</summary>
public static partial class Require
{
    public static T Present<T>([NotNull] T? value, string member) where T : class =>
        value ?? throw DomainException.Invalid(ErrorCodes.MissingField, $"'{member}' is required.");

    public static T Present<T>([NotNull] T? value, string member) where T : struct =>
        value ?? throw DomainException.Invalid(ErrorCodes.MissingField, $"'{member}' is required.");

    public static string Id([NotNull] string? value, string member)
    {
        Present(value, member);
        return Ids.IsValid(value)
            ? value
            : throw DomainException.Invalid(ErrorCodes.InvalidId, $"'{member}' must be 1 to {Ids.MaxLength} characters of letters, digits, '-', '_', '.' or ':'.");
    }

    public static string Text([NotNull] string? value, string member, int maxLength = 1000)
    {
        Present(value, member);
        if (value.Length == 0 || value.Length > maxLength)
            throw DomainException.Invalid(ErrorCodes.InvalidField, $"'{member}' must be 1 to {maxLength} characters.");
        if (!IsCleanText(value, allowLineBreaks: false))
            throw DomainException.Invalid(ErrorCodes.InvalidField, $"'{member}' contains a control character or a lone surrogate.");
        return value;
    }

    /// <summary>A list of distinct codes, each an id (e.g. services or industries).</summary>
    public static IReadOnlyList<string> Codes(IReadOnlyList<string?>? values, string member, int maxCount = 50)
    {
        if (values is null) return [];
        if (values.Count > maxCount)
            throw DomainException.Invalid(ErrorCodes.InvalidField, $"'{member}' may hold at most {maxCount} codes.");
        var codes = values.Select(v => Id(v, member)).ToList();
        return codes.Distinct(StringComparer.Ordinal).Count() == codes.Count
            ? codes
            : throw DomainException.Invalid(ErrorCodes.InvalidField, $"'{member}' lists a code twice.");
    }

    /// <summary>
    /// A free-form JSON object of bounded size whose every string and member name is clean text (no lone
    /// surrogates, no control characters other than line breaks and tabs). The depth is already bounded by the parser.
    /// </summary>
    public static JsonElement? FreeFormObject(JsonElement? value, string member, int maxBytes)
    {
        if (value is not { } element || element.ValueKind == JsonValueKind.Null) return null;
        if (element.ValueKind != JsonValueKind.Object)
            throw DomainException.Invalid(ErrorCodes.InvalidField, $"'{member}' must be a JSON object.");
        if (element.GetRawText().Length > maxBytes)
            throw DomainException.Invalid(ErrorCodes.InvalidField, $"'{member}' may be at most {maxBytes} bytes of JSON.");
        if (!IsCleanJson(element))
            throw DomainException.Invalid(ErrorCodes.InvalidField, $"'{member}' contains a control character or a lone surrogate.");
        return element.Clone();
    }

    /// <summary>
    /// Any JSON value whose strings and member names are valid Unicode: an escaped lone surrogate ("\ud800")
    /// parses, but has no canonical form and cannot be signed or stored as text.
    /// </summary>
    public static JsonElement WellFormedJson([NotNull] JsonElement? value, string member)
    {
        var element = Present(value, member);
        return IsCleanJson(element, allowControlCharacters: true)
            ? element
            : throw DomainException.Invalid(ErrorCodes.InvalidField, $"'{member}' contains a lone surrogate.");
    }

    private static bool IsCleanJson(JsonElement element, bool allowControlCharacters = false)
    {
        try
        {
            return element.ValueKind switch
            {
                JsonValueKind.Object => element.EnumerateObject().All(p => IsCleanText(p.Name, allowLineBreaks: false, allowControlCharacters) && IsCleanJson(p.Value, allowControlCharacters)),
                JsonValueKind.Array => element.EnumerateArray().All(e => IsCleanJson(e, allowControlCharacters)),
                JsonValueKind.String => IsCleanText(element.GetString()!, allowLineBreaks: true, allowControlCharacters),
                _ => true,
            };
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate ("\ud800") cannot even be read as a string.
            return false;
        }
    }

    private static bool IsCleanText(string value, bool allowLineBreaks, bool allowControlCharacters = false)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) i++;
            else if (char.IsSurrogate(value[i])) return false;
            else if (char.IsControl(value[i]) && !allowControlCharacters && !(allowLineBreaks && value[i] is '\n' or '\r' or '\t')) return false;
        }

        return true;
    }

    public static string OneOf([NotNull] string? value, string member, params string[] allowed)
    {
        Present(value, member);
        return allowed.Contains(value)
            ? value
            : throw DomainException.Invalid(ErrorCodes.InvalidField, $"'{member}' must be one of: {string.Join(", ", allowed)}.");
    }

    /// <summary>An RFC 3339 timestamp with its offset (2026-11-21T14:00:00Z), or null when absent.</summary>
    public static DateTimeOffset? Timestamp(string? value, string member)
    {
        if (value is null) return null;
        return Rfc3339Pattern().IsMatch(value) && DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var parsed)
            ? parsed
            : throw DomainException.Invalid(ErrorCodes.InvalidField, $"'{member}' must be an RFC 3339 timestamp with an offset, e.g. 2026-11-21T14:00:00Z.");
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex Rfc3339Pattern();
}
