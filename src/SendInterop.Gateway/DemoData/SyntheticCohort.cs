using Hl7.Fhir.Model;

namespace SendInterop.Gateway.DemoData;

/// <summary>Where a child stands in the SEND system on the cohort's reference date.</summary>
public enum SendPathway
{
    /// <summary>SEN support in school only: needs recorded as Conditions, no request for assessment.</summary>
    SenSupport,

    /// <summary>A request for an EHC needs assessment is open: the 20-week clock is running (or has run out).</summary>
    AssessmentInProgress,

    /// <summary>The LA decided not to carry out an EHC needs assessment (CFA s.36).</summary>
    RefusedToAssess,

    /// <summary>Assessed, and the LA decided not to issue a plan.</summary>
    AssessedNoPlan,

    /// <summary>A final EHC plan is in force (CarePlan active).</summary>
    PlanActive,

    /// <summary>The plan was ceased under CFA s.45 (CarePlan revoked): moved away, employment, higher education, ...</summary>
    PlanCeased,

    /// <summary>The plan ended because its outcomes were met or the young person reached 25 (CarePlan completed).</summary>
    PlanCompleted,
}

/// <summary>
/// A deterministic synthetic cohort of children and young people known to SEND services in two local authorities
/// (Norfolk 926, Suffolk 935): the same seed, size and reference date give byte-identical Bundles on every run and
/// machine. One transaction Bundle creates the shared Organizations and Practitioners (PUT, fixed ids); then one
/// transaction Bundle per child (POST, urn:uuid fullUrls) holds the child's whole record: Patient, parent, needs,
/// request and statutory-step Tasks, EHC plan, outcomes and progress, reviews, health episodes and consent.
/// </summary>
/// <remarks>
/// Nothing here reads the clock, the environment or data files: proportions are constants (see
/// <see cref="DemoVocabulary"/>) and "today" is <see cref="AsOf"/>. Every name, address and clinician is invented;
/// NHS numbers are in the 999 test range.
/// </remarks>
public sealed class SyntheticCohort
{
    public const int DefaultChildren = 500;

    /// <summary>The default seed: the day Part 3 of the Children and Families Act 2014 came into force.</summary>
    public const int DefaultSeed = 20140901;

    /// <summary>The default reference date ("today" for the cohort): statuses, overdue steps and ages are as at this date.</summary>
    public static DateOnly DefaultAsOf { get; } = new(2026, 11, 2);

    /// <summary>Share of children on each pathway (the cohort is children known to the SEND service, not all children).</summary>
    public static IReadOnlyList<(SendPathway Pathway, double Share)> PathwayShares { get; } =
    [
        (SendPathway.SenSupport, 0.30),
        (SendPathway.AssessmentInProgress, 0.12),
        (SendPathway.RefusedToAssess, 0.07),
        (SendPathway.AssessedNoPlan, 0.03),
        (SendPathway.PlanActive, 0.42),
        (SendPathway.PlanCeased, 0.04),
        (SendPathway.PlanCompleted, 0.02),
    ];

    public SyntheticCohort(int children = DefaultChildren, int seed = DefaultSeed, DateOnly? asOf = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(children);
        Children = children;
        Seed = seed;
        AsOf = asOf ?? DefaultAsOf;
    }

    public int Children { get; }
    public int Seed { get; }
    public DateOnly AsOf { get; }

    /// <summary>Every Bundle to load, in order: the shared Organizations and Practitioners first, then one per child.</summary>
    public IEnumerable<Bundle> Bundles()
    {
        yield return SharedBundle();
        foreach (var child in ChildBundles()) yield return child;
    }

    /// <summary>The transaction that PUTs the shared Organizations and Practitioners (<see cref="DemoDirectory"/>).</summary>
    public static Bundle SharedBundle() => DemoDirectory.SharedBundle();

    /// <summary>One transaction Bundle per child, generated lazily; each enumeration starts again from the seed.</summary>
    public IEnumerable<Bundle> ChildBundles()
    {
        var master = new Random(Seed);
        var pathways = AssignPathways(master);
        var registry = new IdentifierRegistry();
        for (var i = 0; i < Children; i++)
        {
            var rng = new Random(master.Next());
            yield return new ChildRecordBuilder(rng, AsOf, pathways[i], registry).Build();
        }
    }

    /// <summary>The pathways in child order: exact quotas from <see cref="PathwayShares"/> (largest remainder), shuffled.</summary>
    public IReadOnlyList<SendPathway> Pathways() => AssignPathways(new Random(Seed));

    private SendPathway[] AssignPathways(Random master)
    {
        var exact = PathwayShares.Select(p => p.Share * Children).ToArray();
        var counts = exact.Select(e => (int)Math.Floor(e)).ToArray();
        var remaining = Children - counts.Sum();
        foreach (var i in Enumerable.Range(0, exact.Length).OrderByDescending(i => exact[i] - counts[i]).ThenBy(i => i).Take(remaining))
            counts[i]++;
        var list = new SendPathway[Children];
        var k = 0;
        for (var i = 0; i < counts.Length; i++)
            for (var j = 0; j < counts[i]; j++)
                list[k++] = PathwayShares[i].Pathway;
        master.Shuffle(list);
        return list;
    }

    /// <summary>Makes 16 bytes a version-4, RFC 4122 variant UUID.</summary>
    internal static Guid AsVersion4(ReadOnlySpan<byte> sixteen)
    {
        Span<byte> b = stackalloc byte[16];
        sixteen[..16].CopyTo(b);
        b[6] = (byte)((b[6] & 0x0F) | 0x40);
        b[8] = (byte)((b[8] & 0x3F) | 0x80);
        return new Guid(b, bigEndian: true);
    }
}

/// <summary>Identifier values already handed out in this cohort, so each child gets unique ones.</summary>
internal sealed class IdentifierRegistry
{
    public HashSet<string> NhsNumbers { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Upns { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Ulns { get; } = new(StringComparer.Ordinal);
    public HashSet<string> LaChildIds { get; } = new(StringComparer.Ordinal);
}
