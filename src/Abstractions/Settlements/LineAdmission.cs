namespace Moneta.Settlements;

/// <summary>A batch's answer to a line.</summary>
[GenerateSerializer, Alias("Moneta.LineAdmission")]
public enum LineAdmission
{
    /// <summary>The line is now in the batch.</summary>
    Added,

    /// <summary>The line was already in the batch (a redelivered event): nothing changed.</summary>
    AlreadyIn,

    /// <summary>The batch closed without it: it belongs in the batch open now.</summary>
    BatchClosed,
}
