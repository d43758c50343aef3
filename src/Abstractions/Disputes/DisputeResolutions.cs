namespace Moneta.Disputes;

/// <summary>How a dispute ended, as its view and the charge's dispute list spell it.</summary>
public static class DisputeResolutions
{
    /// <summary>The publisher signed the dispute: the amount goes back to the member.</summary>
    public const string Accepted = "accepted";

    /// <summary>The publisher declined it with a signed rejection.</summary>
    public const string Declined = "declined";

    /// <summary>The publisher let the signing deadline pass: it loses the dispute, as card networks decide.</summary>
    public const string AcceptedByDefault = "accepted_by_default";

    /// <summary>The MO voided the dispute before the publisher answered.</summary>
    public const string Withdrawn = "withdrawn";

    public static IReadOnlyList<string> All { get; } = [Accepted, Declined, AcceptedByDefault, Withdrawn];

    /// <summary>The amount of a dispute resolved so is refunded (and leaves the publisher's settlement).</summary>
    public static bool Refunds(string? resolution) => resolution is Accepted or AcceptedByDefault;
}
