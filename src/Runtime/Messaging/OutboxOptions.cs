namespace Moneta.Runtime.Messaging;

/// <summary>The outbox relay's settings (Moneta:Runtime:MessageLease, :MessagePollInterval, :MaxMessagesInFlight, :MaxEventsPerRun).</summary>
public sealed class OutboxOptions
{
    /// <summary>How long a relay holds a claimed outbox message; if its silo dies, another silo takes it after this.</summary>
    public TimeSpan MessageLease { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the relay looks for messages written by other silos or falling due.</summary>
    public TimeSpan MessagePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Messages a relay delivers at once; a slow webhook endpoint holds one of these, not the relay.</summary>
    public int MaxMessagesInFlight { get; set; } = 64;

    /// <summary>
    /// Most consecutive events handed in one call to a grain that takes them in runs (<see cref="GrainModel.IGrainEventGroupHandler"/>):
    /// a grain every charge reports to then pays its durable writes once per run instead of once per event.
    /// </summary>
    public int MaxEventsPerRun { get; set; } = 64;
}
