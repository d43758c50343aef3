namespace Moneta.GrainModel;

/// <summary>
/// Implemented by a state that is worthless after a time (a used client assertion's jti, remembered only while the
/// assertion could still be accepted): the store may delete it after <see cref="ExpiresAt"/> (DynamoDB's time to
/// live, a periodic sweep on SQLite), so it does not grow without bound. Deletion is lazy: the state may still be
/// read for a while after that time. Such a state declares no index entries, since a store deletes the item alone.
/// </summary>
public interface IExpiringState
{
    DateTimeOffset ExpiresAt { get; }
}
