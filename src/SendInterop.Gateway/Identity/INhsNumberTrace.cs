using SendInterop.Domain.Identity.Linkage;

namespace SendInterop.Gateway.Identity;

/// <summary>
/// A PDS-style NHS number trace (DOMAIN.md 4.2): demographics in, at most one NHS number out with its verification
/// status. The master child index asks it about a Patient that arrives without an NHS number. Only the interface and a
/// do-nothing default live here; the PDS adapter and its simulator come with the brokering issue.
/// </summary>
public interface INhsNumberTrace
{
    /// <summary>Whether a trace service is configured at all (the default is not, and is never asked).</summary>
    bool IsAvailable { get; }

    Task<NhsNumberTraceResult> TraceAsync(NhsNumberTraceQuery query, CancellationToken ct);
}

/// <summary>
/// What a trace is asked: the demographics PDS searches on (family name, given name, birth date, gender, postcode).
/// Built from the Patient's <see cref="LinkageRecord"/> so it sends no more than the linkage engine already compares.
/// </summary>
public sealed record NhsNumberTraceQuery(string? FamilyName, string? GivenNames, string? BirthDate, string? Gender, string? Postcode)
{
    public static NhsNumberTraceQuery From(LinkageRecord record) => new(
        record.FamilyName, record.GivenNames,
        record.BirthDate is { IsComplete: true } d ? d.ToString() : null,
        record.Sex switch { LinkageSex.Male => "male", LinkageSex.Female => "female", LinkageSex.Other => "other", _ => null },
        record.Postcode);

    /// <summary>PDS needs at least a family name and a full birth date (as its application-restricted search does).</summary>
    public bool IsTraceable => FamilyName is not null && BirthDate is not null;
}

public enum NhsNumberTraceOutcome { Matched, NoMatch, MultipleMatches, Unavailable }

/// <summary>
/// The trace's answer. <see cref="VerificationStatus"/> is the UK Core NHSNumberVerificationStatus code the service
/// gave the number (01 = present and verified); only 01 is used to link.
/// </summary>
public sealed record NhsNumberTraceResult(NhsNumberTraceOutcome Outcome, string? NhsNumber = null, string? VerificationStatus = null)
{
    public static NhsNumberTraceResult NoMatch { get; } = new(NhsNumberTraceOutcome.NoMatch);
    public static NhsNumberTraceResult Multiple { get; } = new(NhsNumberTraceOutcome.MultipleMatches);
    public static NhsNumberTraceResult Unavailable { get; } = new(NhsNumberTraceOutcome.Unavailable);

    public bool IsVerifiedMatch => Outcome == NhsNumberTraceOutcome.Matched && NhsNumber is not null && VerificationStatus == PatientLinkageRecords.VerifiedCode;

    /// <summary>The stored form of <see cref="Outcome"/> (master_links.TraceOutcome).</summary>
    public string Code => Outcome switch
    {
        NhsNumberTraceOutcome.Matched => "matched",
        NhsNumberTraceOutcome.NoMatch => "no-match",
        NhsNumberTraceOutcome.MultipleMatches => "multiple-matches",
        _ => "unavailable",
    };
}

/// <summary>The default: no trace service configured; the master index links on demographics alone.</summary>
public sealed class NoNhsNumberTrace : INhsNumberTrace
{
    public bool IsAvailable => false;

    public Task<NhsNumberTraceResult> TraceAsync(NhsNumberTraceQuery query, CancellationToken ct) => Task.FromResult(NhsNumberTraceResult.Unavailable);
}
