using System.Text.Json;
using System.Text.Json.Serialization;

namespace Moneta;

/// <summary>An enumeration written on the wire as its snake_case name ("awaiting_signatures"), never as a number.</summary>
public sealed class WireEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false)
    where TEnum : struct, Enum
{
    /// <summary>The wire name of a value.</summary>
    public static string Name(TEnum value) => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    /// <summary>Every value's wire name, in declaration order.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Enum.GetValues<TEnum>().Select(Name)];

    public static bool TryParse(string? name, out TEnum value)
    {
        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (Name(candidate) == name)
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }
}
