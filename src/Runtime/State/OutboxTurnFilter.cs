namespace Moneta.Runtime.State;

/// <summary>
/// Ends every grain turn by emptying the activation's outbox: what a turn asked to send but did not commit with a
/// state write (it failed, or wrote nothing) belongs to no stored state and must not ride on the next turn's write.
/// </summary>
internal sealed class OutboxTurnFilter : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        finally
        {
            context.TargetContext.GetComponent<GrainOutbox>()?.Discard();
        }
    }
}
