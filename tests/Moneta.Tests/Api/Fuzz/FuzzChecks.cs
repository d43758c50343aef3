using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Moneta.Tests.Support;

namespace Moneta.Tests.Api.Fuzz;

/// <summary>What every fuzz test holds each answer to, and how it tells that a refused request changed nothing.</summary>
internal static class FuzzChecks
{
    /// <summary>
    /// Null when the answer keeps the product rule: below 500, and a refusal is a problem with a <c>code</c>.
    /// A HEAD answer carries no body by definition, so only its status and media type are held to the rule.
    /// </summary>
    public static async Task<string?> ViolationAsync(HttpResponseMessage response, string method)
    {
        var status = (int)response.StatusCode;
        if (status >= 500) return $"{status} {await response.Content.ReadAsStringAsync()}";
        if (status < 400) return null;
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            return $"{status} without a problem ({response.Content.Headers.ContentType?.MediaType ?? "no media type"}) {await response.Content.ReadAsStringAsync()}";
        if (method == "HEAD") return null;

        var body = await response.Content.ReadAsStringAsync();
        try
        {
            using var problem = JsonDocument.Parse(body);
            return problem.RootElement.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String && code.GetString()!.Length > 0
                ? null
                : $"{status} problem without a code: {body}";
        }
        catch (JsonException)
        {
            return $"{status} problem that is not JSON: {body}";
        }
    }

    /// <summary>A digest of every stored grain and index entry, read through SQLite like any other reader.</summary>
    public static string StoreDigest(SiloCluster cluster)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(cluster.Directory.Path, "moneta.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var query in new[] { "SELECT grain_type, grain_key, etag, data FROM grains ORDER BY grain_type, grain_key", "SELECT * FROM grain_index ORDER BY 1, 2, 3, 4, 5" })
        {
            using var command = connection.CreateCommand();
            command.CommandText = query;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                    hash.AppendData(reader.GetValue(i) is byte[] bytes ? bytes : Encoding.UTF8.GetBytes(reader.GetString(i) + "\u0001"));
            }
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
