using System.Diagnostics;
using System.Text.Json;

namespace Moneta.LoadGenerator;

/// <summary>
/// Requests per 100 ms of the run: answered as expected, failed, and re-sent to another silo after a connection
/// failure. A failover shows as the buckets where failures or re-sends appear, and where they stop.
/// </summary>
internal sealed class Timeline(long start, TimeSpan length)
{
    public static readonly TimeSpan Bucket = TimeSpan.FromMilliseconds(100);

    /// <summary>The wall-clock time of the first bucket, so events outside the process (a kill) can be placed on it.</summary>
    private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow - Stopwatch.GetElapsedTime(start);
    private readonly long[] _ok = new long[Buckets(length)];
    private readonly long[] _failed = new long[Buckets(length)];
    private readonly long[] _resent = new long[Buckets(length)];

    public void Ok(long at) => Add(_ok, at);

    public void Failed(long at) => Add(_failed, at);

    public void Resent(long at) => Add(_resent, at);

    public async Task WriteAsync(string path)
    {
        var last = Array.FindLastIndex(_ok, n => n > 0) + 1;
        var rows = Enumerable.Range(0, last).Select(i => new { at_ms = i * (long)Bucket.TotalMilliseconds, ok = _ok[i], failed = _failed[i], resent = _resent[i] });
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(new { started_at_unix_ms = _startedAt.ToUnixTimeMilliseconds(), bucket_ms = (long)Bucket.TotalMilliseconds, buckets = rows }));
    }

    private static int Buckets(TimeSpan length) => (int)(length / Bucket) + 1;

    private void Add(long[] counts, long at)
    {
        var bucket = (int)(Stopwatch.GetElapsedTime(start, at) / Bucket);
        if (bucket >= 0 && bucket < counts.Length)
            Interlocked.Increment(ref counts[bucket]);
    }
}
