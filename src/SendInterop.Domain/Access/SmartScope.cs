namespace SendInterop.Domain.Access;

/// <summary>
/// One <c>param=value</c> item from a scope's query suffix, both halves percent-decoded. The value is kept as
/// FHIR search syntax (a token's <c>system|code</c>, commas meaning OR); this type does not interpret it.
/// </summary>
public readonly record struct SmartScopeConstraint(string Parameter, string Value)
{
    public override string ToString() => $"{Parameter}={Value}";
}

/// <summary>
/// A parsed SMART App Launch v2 resource scope, <c>context/resourceType.permissions[?param=value&amp;...]</c>,
/// such as <c>system/CarePlan.rs</c> or <c>patient/Observation.rs?category=...|laboratory</c>. A v1 scope
/// (<c>.read</c>, <c>.write</c>, <c>.*</c>) is held with its v2 permissions and <see cref="IsV1"/> set.
/// </summary>
/// <remarks>
/// Only <see cref="SmartScopeParser"/> makes these, so every instance is valid. When <see cref="Constraints"/> is
/// non-empty the scope grants access only to resources that match every constraint (they are AND-ed, as in a
/// search); the constraint parameters are not checked against the resource type's search parameters here, so
/// an enforcer must treat a parameter it cannot evaluate as not matching.
/// </remarks>
public sealed record SmartScope
{
    internal SmartScope(
        SmartContext context,
        string resourceType,
        SmartPermissions permissions,
        IReadOnlyList<SmartScopeConstraint> constraints,
        bool isV1,
        string text)
    {
        Context = context;
        ResourceType = resourceType;
        Permissions = permissions;
        Constraints = constraints;
        IsV1 = isV1;
        Text = text;
    }

    /// <summary>The wildcard resource type: every resource type, now and in the future.</summary>
    public const string AnyResourceType = "*";

    public SmartContext Context { get; }

    /// <summary>An R4 resource type name in its exact case, or <see cref="AnyResourceType"/>.</summary>
    public string ResourceType { get; }

    /// <summary>The granted permissions; a v1 scope holds its v2 equivalent (read = rs, write = cud, * = cruds).</summary>
    public SmartPermissions Permissions { get; }

    /// <summary>The query constraints in the order written; empty when the scope is unconstrained.</summary>
    public IReadOnlyList<SmartScopeConstraint> Constraints { get; }

    /// <summary>The scope used the SMART 1.0 permission form (<c>read</c>, <c>write</c> or <c>*</c>).</summary>
    public bool IsV1 { get; }

    /// <summary>The scope exactly as it was written.</summary>
    public string Text { get; }

    public bool IsWildcard => ResourceType == AnyResourceType;

    public bool IsConstrained => Constraints.Count > 0;

    /// <summary>
    /// Whether this scope grants every permission in <paramref name="needed"/> on <paramref name="resourceType"/>
    /// in the given context (any context when <paramref name="contextFilter"/> is null), before its
    /// <see cref="Constraints"/> are applied.
    /// </summary>
    public bool Grants(SmartContext? contextFilter, string resourceType, SmartPermissions needed) =>
        needed != SmartPermissions.None
        && (contextFilter is null || contextFilter == Context)
        && (IsWildcard || string.Equals(ResourceType, resourceType, StringComparison.Ordinal))
        && (Permissions & needed) == needed;

    /// <summary>The same grant written as a v2 scope (a v1 <c>patient/Observation.read</c> gives <c>patient/Observation.rs</c>).</summary>
    public string ToV2Text() => SmartScopeParser.Format(Context, ResourceType, Permissions, Constraints);

    public override string ToString() => Text;

    public bool Equals(SmartScope? other) =>
        other is not null
        && Context == other.Context
        && string.Equals(ResourceType, other.ResourceType, StringComparison.Ordinal)
        && Permissions == other.Permissions
        && IsV1 == other.IsV1
        && string.Equals(Text, other.Text, StringComparison.Ordinal)
        && Constraints.SequenceEqual(other.Constraints);

    public override int GetHashCode() => HashCode.Combine(Context, ResourceType, Permissions, IsV1, Text, Constraints.Count);
}
