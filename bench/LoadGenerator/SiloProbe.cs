using System.Diagnostics;

namespace Moneta.LoadGenerator;

/// <summary>Reads the silo's process on this machine: its CPU time and resident memory.</summary>
internal sealed class SiloProbe(int pid)
{
    public SiloSample Sample()
    {
        using var process = Process.GetProcessById(pid);
        return new SiloSample(process.TotalProcessorTime, process.WorkingSet64, Stopwatch.GetTimestamp());
    }
}

internal sealed record SiloSample(TimeSpan Cpu, long ResidentBytes, long Timestamp);
