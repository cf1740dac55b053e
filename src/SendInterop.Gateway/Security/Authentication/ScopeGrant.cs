using SendInterop.Domain.Access;

namespace SendInterop.Gateway.Security.Authentication;

/// <summary>
/// What a token request is granted: each requested scope intersected with the client's registered scopes. A requested
/// scope inside a registered one is granted as written; one that overlaps only partly is narrowed
/// (<c>system/*.cruds</c> against a registration of <c>system/*.rs</c> gives <c>system/*.rs</c>); one that overlaps none
/// at all is an error (invalid_scope). No scope requested: the registration's scopes.
/// </summary>
public static class ScopeGrant
{
    public static bool TryGrant(string? requested, RegisteredClient client, out string granted, out string error)
    {
        granted = "";
        error = "";
        var allowed = client.AllowedScopes;
        if (string.IsNullOrWhiteSpace(requested))
        {
            granted = allowed.ToString();
            return true;
        }

        var parsed = SmartScopeParser.ParseMany(requested);
        if (parsed.HasErrors)
        {
            error = "malformed scope: " + string.Join("; ", parsed.Errors);
            return false;
        }

        var result = new List<string>();
        foreach (var scope in parsed.NonResourceScopes)
        {
            if (!allowed.Contains(scope)) return Fail($"scope '{scope}' is not registered for this client", out error);
            result.Add(scope);
        }
        foreach (var scope in parsed.ResourceScopes)
        {
            var inside = allowed.ResourceScopes.FirstOrDefault(a => IsWithin(scope, a));
            if (inside is not null)
            {
                result.Add(scope.Text);
                continue;
            }
            var narrowed = allowed.ResourceScopes.Select(a => Intersect(scope, a)).OfType<string>().ToList();
            if (narrowed.Count == 0)
                return Fail($"scope '{scope.Text}' is outside the client's registered scopes ({allowed})", out error);
            result.AddRange(narrowed);
        }
        granted = string.Join(' ', result.Distinct(StringComparer.Ordinal));
        return true;
    }

    /// <summary>Whether <paramref name="scope"/> grants nothing that <paramref name="allowed"/> does not.</summary>
    public static bool IsWithin(SmartScope scope, SmartScope allowed) =>
        scope.Context == allowed.Context
        && (allowed.IsWildcard || scope.ResourceType == allowed.ResourceType)
        && (scope.Permissions & ~allowed.Permissions) == 0
        && allowed.Constraints.All(c => scope.Constraints.Contains(c));

    /// <summary>The scope granting what both grant, or null when they share nothing.</summary>
    public static string? Intersect(SmartScope a, SmartScope b)
    {
        if (a.Context != b.Context) return null;
        string type;
        if (a.IsWildcard) type = b.ResourceType;
        else if (b.IsWildcard || a.ResourceType == b.ResourceType) type = a.ResourceType;
        else return null;
        var permissions = a.Permissions & b.Permissions;
        if (permissions == SmartPermissions.None) return null;
        return SmartScopeParser.Format(a.Context, type, permissions, a.Constraints.Concat(b.Constraints).Distinct());
    }

    private static bool Fail(string message, out string error)
    {
        error = message;
        return false;
    }
}
