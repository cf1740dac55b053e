using System.Security.Cryptography;
using System.Text;
using Hl7.Fhir.Model;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Storage.Model;
using SendInterop.Storage.Store;
using Task = System.Threading.Tasks.Task;

namespace SendInterop.Gateway.Subscriptions;

/// <summary>
/// Reads a Subscription's version history to decide where its notifications go on from: what it asks for (its
/// generation), where its current run of active versions began, and whether it stayed on since a given version.
/// </summary>
public sealed class SubscriptionVersions(IResourceStore store, FhirSerialization serialization)
{
    /// <summary>
    /// Whether the Subscription stayed on between the version the cursor was set for and this one: none of the versions
    /// in between was deleted or turned off (an error the gateway set, then a client's resume, keeps it on).
    /// </summary>
    public async Task<bool> ContinuousSinceAsync(ResourceRecord record, int cursorVersion, CancellationToken ct)
    {
        if (cursorVersion < 1 || cursorVersion >= record.VersionId) return false;
        for (var v = cursorVersion + 1; v < record.VersionId; v++)
        {
            var between = await store.ReadVersionAsync(record.ResourceType, record.ResourceId, v, ct);
            if (between is null || between.IsDeleted || serialization.ParseStored(between.Json) is not Subscription { Status: not Subscription.SubscriptionStatus.Off })
                return false;
        }
        return true;
    }

    /// <summary>
    /// The key of the earliest version in the run of active versions, asking for the same thing, that ends with this one
    /// (at most <see cref="MaxVersionsWalked"/> back): where a new subscription's notifications start.
    /// </summary>
    public async Task<long> ActiveSinceKeyAsync(ResourceRecord record, string generation, CancellationToken ct)
    {
        var key = record.Key;
        for (var v = record.VersionId - 1; v >= 1 && v >= record.VersionId - MaxVersionsWalked; v--)
        {
            var earlier = await store.ReadVersionAsync(record.ResourceType, record.ResourceId, v, ct);
            if (earlier is null || earlier.IsDeleted
                || serialization.ParseStored(earlier.Json) is not Subscription { Status: not Subscription.SubscriptionStatus.Off } s
                || Generation(s) != generation)
                break;
            key = earlier.Key;
        }
        return key;
    }

    private const int MaxVersionsWalked = 50;

    /// <summary>What the subscription asks for: the same criteria to the same endpoint with the same payload is the same generation.</summary>
    public static string Generation(Subscription s) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{s.Criteria}\n{s.Channel?.Endpoint}\n{s.Channel?.Payload}")))[..32];
}
