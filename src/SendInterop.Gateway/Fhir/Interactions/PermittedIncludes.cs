using SendInterop.Domain.Search;
using SendInterop.Gateway.Security.Access;
using SendInterop.Storage.Model;

namespace SendInterop.Gateway.Fhir.Interactions;

/// <summary>
/// The optional extras of an answer (a search's <c>_include</c>/<c>_revinclude</c>, what <c>$everything</c>'s entries
/// refer to) that the requester may see, at most <see cref="SearchDefaults.MaxCount"/>. The cap applies after the gate:
/// capped first, hidden extras could crowd out visible ones and so reveal that they exist. An extra is optional: a type
/// the scopes do not allow (unconstrained, with the permissions asked for: read for a search's includes), or a resource
/// the gate withholds, is left out; either decision is recorded.
/// </summary>
public sealed class PermittedIncludes(DisclosureGate gate)
{
    /// <param name="seen">Resources already in the Bundle: skipped, and added to as extras are taken.</param>
    /// <param name="fetch">The candidates in key order after a key, at most a limit (the store's include walks).</param>
    /// <param name="wanted">The request's own filter (e.g. <c>_type</c>), applied before the gate; null: every candidate.</param>
    /// <param name="needed">The scope permissions an extra's type needs (read when not given).</param>
    public async Task<List<ResourceRecord>> CollectAsync(AccessSession session, HashSet<(string, string)> seen,
        Func<long, int, Task<IReadOnlyList<ResourceRecord>>> fetch, CancellationToken ct, Func<ResourceRecord, bool>? wanted = null,
        Domain.Access.SmartPermissions needed = Domain.Access.SmartPermissions.Read)
    {
        var permitted = new List<ResourceRecord>();
        var after = long.MinValue;
        while (true)
        {
            var batch = await fetch(after, SearchDefaults.MaxCount);
            foreach (var inc in batch)
            {
                if (seen.Contains((inc.ResourceType, inc.ResourceId)) || wanted?.Invoke(inc) == false) continue;
                if (!session.IsInternal)
                {
                    var grant = session.ScopeFor(inc.ResourceType, needed);
                    if (grant is null || !grant.Unconstrained)
                    {
                        gate.RecordOutOfScope(session, inc);
                        continue;
                    }
                    if (!await gate.PermitsAsync(session, inc, grant, ct)) continue;
                }
                seen.Add((inc.ResourceType, inc.ResourceId));
                permitted.Add(inc);
                if (permitted.Count == SearchDefaults.MaxCount) return permitted;
            }
            if (batch.Count < SearchDefaults.MaxCount) return permitted;
            after = batch[^1].Key;
        }
    }
}
