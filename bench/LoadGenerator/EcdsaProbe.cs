using System.Diagnostics;
using System.Security.Cryptography;

namespace Moneta.LoadGenerator;

/// <summary>
/// The physical bound of this machine for a signing step's cryptography, measured in the same run: raw ES256
/// sign+verify pairs (P-256, SHA-256, P1363) per second on every core at once, nothing else running.
/// </summary>
internal static class EcdsaProbe
{
    /// <summary>A JWS signing input is a few hundred bytes; the hash of it is a small part of the cost.</summary>
    private static readonly byte[] SigningInput = RandomNumberGenerator.GetBytes(400);

    public static EcdsaBound Measure(TimeSpan duration)
    {
        var cores = Environment.ProcessorCount;
        var pairs = new long[cores];
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var threads = Enumerable.Range(0, cores).Select(core => new Thread(() => pairs[core] = SignAndVerifyUntil(stopAt))).ToArray();
        var started = Stopwatch.GetTimestamp();
        foreach (var thread in threads)
            thread.Start();
        foreach (var thread in threads)
            thread.Join();
        var perSecond = pairs.Sum() / Stopwatch.GetElapsedTime(started).TotalSeconds;
        return new EcdsaBound(perSecond, perSecond / cores, 1_000_000 / (perSecond / cores));
    }

    private static long SignAndVerifyUntil(long stopAt)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var count = 0L;
        while (Stopwatch.GetTimestamp() < stopAt)
        {
            var signature = key.SignData(SigningInput, HashAlgorithmName.SHA256);
            if (!key.VerifyData(SigningInput, signature, HashAlgorithmName.SHA256))
                throw new CryptographicException("ES256 failed to verify its own signature.");
            count++;
        }

        return count;
    }
}

/// <summary>Raw ES256 sign+verify pairs per second: all cores together, one core, and one pair's CPU time in µs.</summary>
internal sealed record EcdsaBound(double PairsPerSecond, double PairsPerSecondPerCore, double PairMicroseconds);
