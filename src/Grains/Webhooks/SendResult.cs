namespace Moneta.Grains.Webhooks;

/// <summary>How one HTTP attempt ended: the status code if a response came, otherwise why not.</summary>
public sealed record SendResult(int? StatusCode, TimeSpan Elapsed, string? Error)
{
    public bool IsSuccess => StatusCode is >= 200 and < 300;
}
