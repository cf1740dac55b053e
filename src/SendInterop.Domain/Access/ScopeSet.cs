namespace SendInterop.Domain.Access;

/// <summary>The SMART scopes that are not resource scopes and that this gateway recognises.</summary>
public static class SmartNonResourceScopes
{
    public const string OpenId = "openid";
    public const string FhirUser = "fhirUser";
    public const string Launch = "launch";
    public const string LaunchPatient = "launch/patient";
    public const string LaunchEncounter = "launch/encounter";
    public const string OfflineAccess = "offline_access";
    public const string OnlineAccess = "online_access";

    /// <summary>All of the above. Scopes are case-sensitive, so <c>OpenID</c> is not <c>openid</c>.</summary>
    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        OpenId, FhirUser, Launch, LaunchPatient, LaunchEncounter, OfflineAccess, OnlineAccess,
    };
}

/// <summary>A scope from a space-separated list that could not be used, and why.</summary>
public sealed record ScopeError(string Scope, string Message)
{
    public override string ToString() => $"'{Scope}': {Message}";
}

/// <summary>
/// The result of parsing a space-separated scope string (a token's <c>scope</c> claim or a token request's
/// <c>scope</c> parameter): the resource scopes, the recognised non-resource scopes, and the scopes that
/// failed with their reasons. Duplicates are dropped; order is otherwise kept.
/// </summary>
public sealed class ScopeSet
{
    internal ScopeSet(IReadOnlyList<SmartScope> resourceScopes, IReadOnlyList<string> nonResourceScopes, IReadOnlyList<ScopeError> errors)
    {
        ResourceScopes = resourceScopes;
        NonResourceScopes = nonResourceScopes;
        Errors = errors;
    }

    public static ScopeSet Empty { get; } = new([], [], []);

    public IReadOnlyList<SmartScope> ResourceScopes { get; }

    /// <summary>Recognised non-resource scopes (see <see cref="SmartNonResourceScopes"/>) as written.</summary>
    public IReadOnlyList<string> NonResourceScopes { get; }

    /// <summary>Every scope that was malformed or not recognised. The caller decides whether to reject the whole request or drop these.</summary>
    public IReadOnlyList<ScopeError> Errors { get; }

    public bool HasErrors => Errors.Count > 0;

    public bool Contains(string nonResourceScope) => NonResourceScopes.Contains(nonResourceScope, StringComparer.Ordinal);

    /// <summary>
    /// The resource scopes that grant <paramref name="needed"/> on <paramref name="resourceType"/>, in the given
    /// context or in any context when <paramref name="contextFilter"/> is null. Empty means denied.
    /// </summary>
    /// <remarks>
    /// <paramref name="needed"/> must be one permission: each FHIR interaction needs exactly one, and scopes add
    /// up (<c>Observation.r Observation.s</c> is the same grant as <c>Observation.rs</c>), so asking about two
    /// at once has no single right answer. The scopes come back with their <see cref="SmartScope.Constraints"/>:
    /// if any returned scope is unconstrained the access is whole; otherwise a resource is allowed when it
    /// satisfies all the constraints of at least one returned scope.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="needed"/> is not exactly one permission.</exception>
    public IReadOnlyList<SmartScope> Permits(SmartContext? contextFilter, string resourceType, SmartPermissions needed)
    {
        ArgumentException.ThrowIfNullOrEmpty(resourceType);
        if (needed is not (SmartPermissions.Create or SmartPermissions.Read or SmartPermissions.Update or SmartPermissions.Delete or SmartPermissions.Search))
            throw new ArgumentOutOfRangeException(nameof(needed), needed, "Ask about exactly one permission (Create, Read, Update, Delete or Search).");

        List<SmartScope>? granting = null;
        foreach (var scope in ResourceScopes)
            if (scope.Grants(contextFilter, resourceType, needed)) (granting ??= []).Add(scope);
        return granting is null ? [] : granting.AsReadOnly();
    }

    public override string ToString() =>
        string.Join(' ', ResourceScopes.Select(s => s.Text).Concat(NonResourceScopes));
}
