namespace SendInterop.Domain.Access.Gate;

/// <summary>
/// The result of evaluating a consent provision for a request: nothing (the provision does not apply), or a type and
/// the deciding provisions.
/// </summary>
/// <remarks>
/// Usually one provision decides. When several sibling exceptions of the winning type apply, all of them decide
/// together (ADR 3 names "the deciding provision" but not which of several), and a question about them, such as
/// <see cref="EveryDecidingProvisionLists"/>, must hold for every one: that answer does not depend on the order the
/// provisions were written in and discloses less than "the first" or "any". A struct, so the common case allocates
/// nothing; a list is made only when several provisions decide together.
/// </remarks>
public readonly struct ProvisionOutcome
{
    private readonly ConsentProvision? _first;
    private readonly ConsentProvision[]? _all;

    private ProvisionOutcome(ProvisionType type, ConsentProvision first, ConsentProvision[]? all)
    {
        Type = type;
        _first = first;
        _all = all;
    }

    /// <summary>The provision says nothing about this request.</summary>
    public static ProvisionOutcome Silent => default;

    /// <summary>The provision decided by its own type.</summary>
    public static ProvisionOutcome DecidedBy(ConsentProvision provision) => new(provision.Type, provision, null);

    /// <summary>True when the provision applies (it permits or denies).</summary>
    public bool Applies => _first is not null;

    /// <summary>Permit or deny; null when the provision says nothing.</summary>
    public ProvisionType? EffectiveType => Applies ? Type : null;

    /// <summary>The effective type; meaningful only when <see cref="Applies"/>.</summary>
    public ProvisionType Type { get; }

    public bool IsPermit => Applies && Type == ProvisionType.Permit;

    public bool IsDeny => Applies && Type == ProvisionType.Deny;

    /// <summary>The deciding provision (the first in document order when several decide together); null when silent.</summary>
    public ConsentProvision? DecidingProvision => _first;

    /// <summary>Every deciding provision, in document order; empty when silent.</summary>
    public IReadOnlyList<ConsentProvision> DecidingProvisions => _all ?? (_first is null ? [] : [_first]);

    /// <summary>True when the provision applies and every deciding provision lists <paramref name="label"/>.</summary>
    public bool EveryDecidingProvisionLists(SecurityLabel label)
    {
        if (_first is null) return false;
        if (_all is null) return Lists(_first, label);
        foreach (var provision in _all)
            if (!Lists(provision, label)) return false;
        return true;
    }

    /// <summary>
    /// Combines the outcomes of sibling exceptions: deny wins over permit; outcomes of the same type decide together.
    /// </summary>
    public ProvisionOutcome CombineWithSibling(ProvisionOutcome sibling)
    {
        if (!sibling.Applies) return this;
        if (!Applies) return sibling;
        if (Type != sibling.Type) return Type == ProvisionType.Deny ? this : sibling;

        var all = new ConsentProvision[Count + sibling.Count];
        CopyTo(all, 0);
        sibling.CopyTo(all, Count);
        return new ProvisionOutcome(Type, all[0], all);
    }

    private int Count => _all?.Length ?? (_first is null ? 0 : 1);

    private void CopyTo(ConsentProvision[] target, int at)
    {
        if (_all is not null) _all.CopyTo(target, at);
        else if (_first is not null) target[at] = _first;
    }

    private static bool Lists(ConsentProvision provision, SecurityLabel label)
    {
        var labels = provision.Labels;
        for (var i = 0; i < labels.Count; i++)
            if (labels[i] == label) return true;
        return false;
    }
}
