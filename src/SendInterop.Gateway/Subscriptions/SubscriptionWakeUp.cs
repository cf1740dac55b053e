using SendInterop.Gateway.Fhir.Interactions;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Subscriptions;

/// <summary>
/// The dispatcher's doorbell: a committed write on this replica starts the next round now rather than at the next poll,
/// when there is a subscription to serve. Writes through other replicas are found by the poll. A type of its own (not
/// the dispatcher) so that the write paths, which the dispatcher itself uses, do not depend on it.
/// </summary>
public sealed class SubscriptionWakeUp : Hosting.Doorbell, IResourceWriteObserver
{
    private volatile bool _anyActive;

    /// <summary>Set by each round: whether it found an active subscription (no round is started for writes otherwise).</summary>
    public bool AnyActive { set => _anyActive = value; }

    public void Written(IReadOnlyList<ResourceWrite> writes)
    {
        // A Subscription written: there may be one to serve now, whatever the last round saw.
        if (_anyActive || writes.Any(w => w.ResourceType == "Subscription")) Ring();
    }
}
