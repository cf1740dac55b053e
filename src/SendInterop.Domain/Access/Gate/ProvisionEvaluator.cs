namespace SendInterop.Domain.Access.Gate;

/// <summary>
/// Evaluates a consent provision and its nested exceptions for one request (ADR 3, "Evaluation"). Runs for every
/// directive of the child on every disclosed resource, so it loops plainly and allocates nothing unless several
/// sibling exceptions decide together.
/// </summary>
public static class ProvisionEvaluator
{
    /// <summary>
    /// If <paramref name="provision"/> does not apply it says nothing. If it applies, its nested provisions that apply
    /// decide instead (recursively; among several, deny wins); if none applies, its own type decides.
    /// </summary>
    public static ProvisionOutcome Evaluate(ConsentProvision provision, in ProvisionQuery query)
    {
        ArgumentNullException.ThrowIfNull(provision);
        if (!Applies(provision, query)) return ProvisionOutcome.Silent;

        var outcome = ProvisionOutcome.Silent;
        var exceptions = provision.Exceptions;
        for (var i = 0; i < exceptions.Count; i++)
            outcome = outcome.CombineWithSibling(Evaluate(exceptions[i], query));
        return outcome.Applies ? outcome : ProvisionOutcome.DecidedBy(provision);
    }

    /// <summary>True when every dimension the provision lists matches the request (an empty list matches anything).</summary>
    public static bool Applies(ConsentProvision provision, in ProvisionQuery query)
    {
        var data = query.Data;
        return NamesOrEmpty(provision.Actors, query.Organisation)
            && NamesOrEmpty(provision.Purposes, query.Purpose)
            && ClassMatches(provision.Classes, data)
            && CodeMatches(provision.Codes, data.Codes)
            && LabelMatches(provision.Labels, data.Labels)
            && (provision.Period is not { } period || period.Contains(query.Now))
            && DataPeriodMatches(provision, data.DataDate);
    }

    /// <summary>
    /// Data without a date is not covered by a permit's dataPeriod but is covered by a deny's: either way the
    /// reading that discloses less.
    /// </summary>
    private static bool DataPeriodMatches(ConsentProvision provision, DateTimeOffset? dataDate)
    {
        if (provision.DataPeriod is not { } dataPeriod) return true;
        if (dataDate is not { } date) return provision.Type == ProvisionType.Deny;
        return dataPeriod.Contains(date);
    }

    private static bool NamesOrEmpty(IReadOnlyList<string> listed, string value)
    {
        if (listed.Count == 0) return true;
        for (var i = 0; i < listed.Count; i++)
            if (string.Equals(listed[i], value, StringComparison.Ordinal)) return true;
        return false;
    }

    private static bool ClassMatches(IReadOnlyList<string> classes, ResourceFacts data)
    {
        if (classes.Count == 0) return true;
        for (var i = 0; i < classes.Count; i++)
            if (string.Equals(classes[i], data.DataClass, StringComparison.Ordinal)
                || string.Equals(classes[i], data.ResourceType, StringComparison.Ordinal)) return true;
        return false;
    }

    private static bool CodeMatches(IReadOnlyList<DataCode> listed, IReadOnlyList<DataCode> carried)
    {
        if (listed.Count == 0) return true;
        for (var i = 0; i < listed.Count; i++)
            for (var j = 0; j < carried.Count; j++)
                if (listed[i] == carried[j]) return true;
        return false;
    }

    private static bool LabelMatches(IReadOnlyList<SecurityLabel> listed, IReadOnlyList<SecurityLabel> carried)
    {
        if (listed.Count == 0) return true;
        for (var i = 0; i < listed.Count; i++)
            for (var j = 0; j < carried.Count; j++)
                if (listed[i] == carried[j]) return true;
        return false;
    }
}
