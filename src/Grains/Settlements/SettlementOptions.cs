namespace Moneta.Grains.Settlements;

/// <summary>Moneta:Settlement.</summary>
public sealed class SettlementOptions
{
    /// <summary>The least Moneta fee (basis points) Moneta countersigns settlement terms with.</summary>
    public int MinimumFeeBps { get; set; }

    /// <summary>How long after its period's end a batch stays open for late finalization events before it closes.</summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Lines a batch keeps in its own state before moving them to a page of their own (bounds the batch's item size).</summary>
    public int LinesPerPage { get; set; } = 500;

    /// <exception cref="InvalidOperationException">A setting is out of its range.</exception>
    public SettlementOptions Validated()
    {
        if (MinimumFeeBps is < 0 or > SettlementArithmetic.BasisPointsInWhole)
            throw new InvalidOperationException($"Moneta:Settlement:MinimumFeeBps must be between 0 and {SettlementArithmetic.BasisPointsInWhole}; it is {MinimumFeeBps}.");
        if (Grace < TimeSpan.Zero || Grace > TimeSpan.FromDays(1))
            throw new InvalidOperationException($"Moneta:Settlement:Grace must be between 00:00:00 and 1.00:00:00; it is {Grace:c}.");
        // 500 lines of the longest ids stay far under the 350 KB an item may hold.
        if (LinesPerPage is < 1 or > 1000)
            throw new InvalidOperationException($"Moneta:Settlement:LinesPerPage must be between 1 and 1000; it is {LinesPerPage}.");
        return this;
    }
}
