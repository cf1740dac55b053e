using SendInterop.Domain.Access.Gate;

namespace SendInterop.Gateway.Security.Access;

/// <summary>Configuration section <c>Access</c>: organisations, agreements and the gate's deployment choices.</summary>
public sealed class AccessOptions
{
    public const string Section = "Access";

    /// <summary>
    /// How a read of a resource the requester may not see answers: 404 (default: existence is not revealed) or 403.
    /// </summary>
    public int HiddenReadStatus { get; set; } = 404;

    /// <summary>Minutes a break-glass declaration stays open before the reason must be stated again.</summary>
    public int BreakGlassMinutes { get; set; } = 30;

    /// <summary>Labels (system|code) that break-glass never opens.</summary>
    public List<string> NeverBreakGlass { get; set; } = [];

    /// <summary>Organisations taking part, with their agency. Tokens for unknown organisations are refused.</summary>
    public List<OrganisationOption> Organisations { get; set; } = [];

    /// <summary>Tier 1 agreements: which organisations share, for which purposes.</summary>
    public List<Tier1Option> Tier1 { get; set; } = [];

    /// <summary>Tier 2 agreements: which data classes flow from which agency to which, for which purposes.</summary>
    public List<Tier2Option> Tier2 { get; set; } = [];

    /// <summary>
    /// The longest a child's consent context is reused before it is read again (plus up to a fifth, spread per child).
    /// A backstop only: writes on this node drop it at once, and other replicas' writes within
    /// <see cref="ChildContextPollMilliseconds"/>.
    /// </summary>
    public int ChildContextSeconds { get; set; } = 300;

    /// <summary>How often the store's changes are read to drop the contexts another replica's writes changed.</summary>
    public int ChildContextPollMilliseconds { get; set; } = 1000;

    /// <summary>The most permitted matches a filtered search counts for Bundle.total; beyond it total is omitted.</summary>
    public int MaxGatedTotal { get; set; } = 10_000;

    /// <summary>
    /// The most target resources one chained criterion may reach among those the requester may see (each is decided by the
    /// gate and becomes one id of the outer search); beyond it the search is refused with 400, asking for a narrower chain.
    /// </summary>
    public int MaxChainTargets { get; set; } = 1_000;

    /// <summary>
    /// Which ids a client may choose itself when it creates with PUT (update-as-create). <see cref="ClientAssignedIds.Directory"/>
    /// (default): only for directory data, whose existence is no secret; a PUT to any other id that does not exist for the
    /// requester, free or taken by a resource it may not see, answers the same 404. <see cref="ClientAssignedIds.Any"/>:
    /// every type (bulk loads that keep their ids), at the price that a 403 then tells a writer an id is taken.
    /// </summary>
    public ClientAssignedIds ClientAssignedIds { get; set; } = ClientAssignedIds.Directory;
}

/// <summary>Where a client may choose the id of a new resource (update-as-create); see <see cref="AccessOptions.ClientAssignedIds"/>.</summary>
public enum ClientAssignedIds { Directory, Any }

public sealed class OrganisationOption
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string Agency { get; set; } = "";
}

public sealed class Tier1Option
{
    public string Id { get; set; } = "";
    public List<string> Organisations { get; set; } = [];
    public List<string> Purposes { get; set; } = [];
}

public sealed class Tier2Option
{
    public string Id { get; set; } = "";
    public string From { get; set; } = "";
    public string To { get; set; } = "";
    public List<string> Classes { get; set; } = [];
    public List<string> Purposes { get; set; } = [];
}

internal static class AccessOptionsMapping
{
    public static SharingAgreements ToAgreements(this AccessOptions o) => new(
        o.Tier1.Select(t => new Tier1Agreement(t.Id, t.Organisations.ToHashSet(StringComparer.Ordinal), t.Purposes.ToHashSet(StringComparer.Ordinal))).ToList(),
        o.Tier2.Select(t => new Tier2Agreement(t.Id, t.From, t.To, t.Classes.ToHashSet(StringComparer.Ordinal), t.Purposes.ToHashSet(StringComparer.Ordinal))).ToList());

    public static ConsentGateOptions ToGateOptions(this AccessOptions o) => new()
    {
        NeverBreakGlass = o.NeverBreakGlass.Select(ParseLabel).ToHashSet(),
    };

    private static SecurityLabel ParseLabel(string text)
    {
        var bar = text.LastIndexOf('|');
        return bar < 0 ? new SecurityLabel("", text) : new SecurityLabel(text[..bar], text[(bar + 1)..]);
    }
}
