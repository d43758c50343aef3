using Moneta.GrainModel;

namespace Moneta.Webhooks;

/// <summary>What a delivery is made of: the event, for which organization, ordered by which dispatcher.</summary>
[GenerateSerializer, Immutable, Alias("Moneta.NewDelivery")]
public sealed record NewDelivery(string OrganizationId, string DispatcherKey, GrainEvent Event);
