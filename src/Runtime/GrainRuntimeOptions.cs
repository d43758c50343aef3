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

    /// <summary>How long a relay holds a claimed outbox message; if its silo dies, another silo takes it after this.</summary>
    public TimeSpan MessageLease { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the relay looks for messages written by other silos or falling due.</summary>
    public TimeSpan MessagePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Messages a relay delivers at once; a slow webhook endpoint holds one of these, not the relay.</summary>
    public int MaxMessagesInFlight { get; set; } = 64;
}
