namespace Moneta.Idempotency;

[GenerateSerializer, Alias("Moneta.IdempotencyOutcome")]
public enum IdempotencyOutcome
{
    /// <summary>The first request under this key (or a retry after the first never finished): run it.</summary>
    Proceed,

    /// <summary>The same request was answered before: replay <see cref="IdempotencyClaim.Response"/>.</summary>
    Replay,

    /// <summary>The same request is still running elsewhere: the caller retries shortly.</summary>
    InProgress,

    /// <summary>The key was used for a different request (another body, method or path).</summary>
    Mismatch,
}
