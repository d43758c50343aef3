using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Moneta.Crypto;

namespace Moneta.Benchmarks;

/// <summary>RFC 8785 canonicalization of a contract signing input, from a JsonNode (as the grain builds it) and from a parsed request.</summary>
[MemoryDiagnoser]
public class CanonicalizationBenchmarks : IDisposable
{
    private JsonObject _node = null!;
    private JsonDocument _document = null!;

    [GlobalSetup]
    public void Setup()
    {
        _node = SigningInputs.Publisher(SigningInputs.SamplePrevious());
        _document = JsonDocument.Parse(_node.ToJsonString());
    }

    [Benchmark(Description = "JCS: canonicalize signing input (JsonNode)")]
    public byte[] CanonicalizeNode() => JsonCanonicalizer.Canonicalize(_node);

    [Benchmark(Description = "JCS: canonicalize signing input (JsonElement)")]
    public byte[] CanonicalizeElement() => JsonCanonicalizer.Canonicalize(_document.RootElement);

    [GlobalCleanup]
    public void Dispose()
    {
        _document?.Dispose();
        GC.SuppressFinalize(this);
    }
}
