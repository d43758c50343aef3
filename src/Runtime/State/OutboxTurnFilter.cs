namespace Moneta.Runtime.State;

/// <summary>
/// Ends every grain turn by forgetting what it did not write: messages it asked to send and changes it made to its
/// state, if no state write carried them (the turn failed, or wrote nothing), belong to no stored state and must not
/// ride on, or be the starting point of, the next turn.
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
            context.TargetContext.GetComponent<GrainOutbox>()?.ForgetUnwritten();
        }
    }
}
