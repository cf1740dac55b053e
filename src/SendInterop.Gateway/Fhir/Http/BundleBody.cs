using Hl7.Fhir.Model;

namespace SendInterop.Gateway.Fhir.Http;

/// <summary>
/// A Bundle to be written to the response: entries hold either stored JSON bytes or in-memory resources, so a
/// searchset or history in JSON is composed from the stored bytes without parsing them.
/// </summary>
public sealed class BundleBody
{
    public required Bundle.BundleType Type { get; init; }
    public int? Total { get; init; }
    public List<(string Relation, string Url)> Links { get; } = [];
    public List<BundleBodyEntry> Entries { get; } = [];
}

public sealed class BundleBodyEntry
{
    public const string MatchGradeExtension = "http://hl7.org/fhir/StructureDefinition/match-grade";

    public string? FullUrl { get; init; }
    public byte[]? Json { get; init; }
    public Resource? Resource { get; init; }
    public Bundle.SearchEntryMode? SearchMode { get; init; }
    /// <summary>Bundle.entry.search.score ($match: the match probability).</summary>
    public decimal? Score { get; init; }
    /// <summary>The match-grade extension on Bundle.entry.search ($match: certain, probable, possible).</summary>
    public string? MatchGrade { get; init; }
    public string? RequestMethod { get; init; }
    public string? RequestUrl { get; init; }
    public string? ResponseStatus { get; init; }
    public string? ResponseLocation { get; init; }
    public string? ResponseEtag { get; init; }
    public DateTimeOffset? ResponseLastModified { get; init; }
    public Resource? ResponseOutcome { get; init; }
}
