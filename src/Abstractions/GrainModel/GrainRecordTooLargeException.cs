namespace Moneta.GrainModel;

/// <summary>
/// A grain write exceeds what the storage provider can hold: a state larger than one item, or more index entries
/// and messages than one atomic write commits. Nothing was written.
/// </summary>
[GenerateSerializer, Alias("Moneta.GrainRecordTooLargeException")]
public sealed class GrainRecordTooLargeException : OrleansException
{
    public GrainRecordTooLargeException()
    {
    }

    public GrainRecordTooLargeException(string message)
        : base(message)
    {
    }
}
