using SendInterop.Domain.Access;

namespace SendInterop.Gateway.Security.Access;

/// <summary>
/// What the token's SMART scopes allow for one interaction on one resource type (rule 1 of the consent model).
/// </summary>
/// <param name="PatientOnly">Only <c>patient/</c> scopes grant it: the data must be about the patient in context.</param>
/// <param name="ConstraintSets">
/// The <c>?param=value</c> constraints of the granting scopes, one set per scope (any one set must hold). Empty when
/// an unconstrained scope grants: no constraint applies.
/// </param>
public sealed record ScopeGrant(bool PatientOnly, IReadOnlyList<IReadOnlyList<SmartScopeConstraint>> ConstraintSets)
{
    public bool Unconstrained => ConstraintSets.Count == 0;

    /// <summary>The grant for <paramref name="needed"/> on <paramref name="resourceType"/>, or null when no scope grants it.</summary>
    public static ScopeGrant? For(ScopeSet scopes, string resourceType, SmartPermissions needed)
    {
        List<SmartScope>? broad = null, patient = null;
        foreach (var s in scopes.ResourceScopes)
        {
            if (!s.Grants(null, resourceType, needed)) continue;
            if (s.Context == SmartContext.Patient) (patient ??= []).Add(s);
            else (broad ??= []).Add(s);
        }
        // A system/ or user/ scope reaches further than a patient/ one, so when both grant, the broader decides.
        var granting = broad ?? patient;
        if (granting is null) return null;
        var sets = granting.Any(s => !s.IsConstrained) ? [] : granting.Select(s => s.Constraints).ToList();
        return new ScopeGrant(broad is null, sets);
    }
}
