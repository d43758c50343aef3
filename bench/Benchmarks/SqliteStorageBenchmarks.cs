using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Moneta.GrainModel;
using Moneta.Runtime.Storage;

namespace Moneta.Benchmarks;

/// <summary>
/// <see cref="SqliteStateStore"/> write throughput in a temporary file: N conditional writes to N distinct grains
/// issued at once, so the single writer commits them in as few transactions (fsyncs) as it can. Each write carries
/// a contract-sized state and the four index entries a contract has. Times are per write.
/// </summary>
[MemoryDiagnoser]
public class SqliteStorageBenchmarks : IDisposable
{
    private const int MaxWriters = 256;
    private static readonly byte[] State = new byte[2048];

    private string _directory = null!;
    private SqliteStateStore _storage = null!;
    private GrainKey[] _ids = null!;
    private string?[] _etags = null!;
    private IndexEntry[][] _indexes = null!;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), $"moneta-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_directory);
        _storage = new SqliteStateStore(new SqliteStorageOptions { Path = Path.Combine(_directory, "moneta.db") }, NullLogger<SqliteStateStore>.Instance);
        Array.Fill(State, (byte)'x');
        _ids = [.. Enumerable.Range(0, MaxWriters).Select(i => new GrainKey("contract", $"bench-{i}"))];
        _etags = new string?[MaxWriters];
        _indexes = [.. Enumerable.Range(0, MaxWriters).Select(i => new IndexEntry[]
        {
            new("mo_id", "6f1c2a3e-8d4b-4c1a-9e2f-1a2b3c4d5e6f", $"2026-01-01T00:00:00.{i:0000000}Z"),
            new("publisher_id", "0b9e8d7c-6a5b-4c3d-8e2f-0a1b2c3d4e5f", $"2026-01-01T00:00:00.{i:0000000}Z"),
            new("mpass_id", "3c2b1a09-8f7e-4d6c-9b5a-4a3b2c1d0e9f", $"2026-01-01T00:00:00.{i:0000000}Z"),
            new("status", "finalized", $"2026-01-01T00:00:00.{i:0000000}Z"),
        })];
    }

    [Benchmark(OperationsPerInvoke = 1, Description = "SQLite: 1 write at a time (per write)")]
    public Task Write1() => WriteAsync(1);

    [Benchmark(OperationsPerInvoke = 32, Description = "SQLite: 32 concurrent writes (per write)")]
    public Task Write32() => WriteAsync(32);

    [Benchmark(OperationsPerInvoke = 256, Description = "SQLite: 256 concurrent writes (per write)")]
    public Task Write256() => WriteAsync(256);

    [GlobalCleanup]
    public void Dispose()
    {
        _storage.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Each write is conditional on the ETag the previous one returned, as a grain's would be.</summary>
    private async Task WriteAsync(int writers)
    {
        var writes = new Task<string>[writers];
        for (var i = 0; i < writers; i++)
            writes[i] = _storage.WriteAsync(_ids[i], State, _indexes[i], _etags[i]);
        var etags = await Task.WhenAll(writes);
        Array.Copy(etags, _etags, writers);
    }
}
