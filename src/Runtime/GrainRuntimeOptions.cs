namespace Moneta.Runtime;

public sealed class GrainRuntimeOptions
{
    /// <summary>An activation unused for this long is deactivated; its next call activates it again from storage.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often idle activations are looked for.</summary>
    public TimeSpan CollectionInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Above this many activations the least recently used idle ones are deactivated.</summary>
    public int MaxActivations { get; set; } = 100_000;

    /// <summary>A call not answered in this time fails; this is what turns a call cycle into an error.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest serialized grain state accepted; kept under DynamoDB's 400 KB item limit with room for keys.</summary>
    public int MaxStateBytes { get; set; } = 350 * 1024;
}
