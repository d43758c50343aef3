namespace Moneta.Silo;

/// <summary>The grain runtime's settings (Moneta:Runtime), applied to Orleans' own options and the outbox relay.</summary>
public sealed class RuntimeSettings
{
    /// <summary>An activation unused for this long is deactivated (Orleans' collection age).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A grain call not answered in this time fails with 503 (Orleans' response timeout).</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Above this share of the memory available to the process, Orleans deactivates idle activations first.</summary>
    public double MemoryUsageLimitPercentage { get; set; } = 80;

    /// <summary>Activation shedding stops once memory use is back under this share.</summary>
    public double MemoryUsageTargetPercentage { get; set; } = 75;
}
