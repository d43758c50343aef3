using System.Text.Json;
using System.Text.Json.Serialization;

namespace Moneta.Api.Http;

/// <summary>The wire format: snake_case; unknown members, duplicate members and numbers-for-strings refused.</summary>
public static class MonetaJson
{
    public const int MaxDepth = 32;

    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.AllowDuplicateProperties = false;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.MaxDepth = MaxDepth;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
    }
}
