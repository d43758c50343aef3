namespace Moneta.Grains.Sandbox;

[GenerateSerializer, Immutable, Alias("Moneta.Grains.SandboxClockState")]
public sealed record SandboxClockState
{
    [Id(0)]
    public TimeSpan Offset { get; init; }
}
