using SendInterop.Domain.Identity.Linkage.Comparisons;

namespace SendInterop.Domain.Identity.Linkage.Scoring;

/// <summary>What a rule does to the band the match probability gave.</summary>
public enum RuleEffect
{
    None = 0,

    /// <summary>Link whatever the probability (two equal verified NHS numbers).</summary>
    ForceLink,

    /// <summary>At most review, and never joined by auto-link clustering (twins, siblings).</summary>
    CapAtReview,

    /// <summary>No link, and never joined by auto-link clustering (siblings: a person may still join them).</summary>
    CapAtNoLink,

    /// <summary>Never link, never cluster together (two different verified NHS numbers).</summary>
    Forbid,
}

/// <summary>
/// A deterministic rule applied after the Fellegi-Sunter score, for evidence the independence model cannot weigh:
/// an authoritative identifier, or a pattern (twins, siblings) where fields agree because the records share a
/// household, not a person. Rules read only the pair's comparison levels, so training can apply them to level
/// patterns too (a pair a rule forbids or caps is taken as a non-match when estimating m). Rules change the band,
/// never the match weight, and name themselves in the explanation.
/// </summary>
public abstract class LinkRule
{
    public abstract string Name { get; }

    public abstract string Reason { get; }

    public abstract RuleEffect Apply(ReadOnlySpan<byte> levels);

    /// <summary>The standard rules the options switch on, bound to the positions of the comparisons they read.</summary>
    public static LinkRule[] CreateDefault(IReadOnlyList<Comparison> comparisons, LinkageOptions options)
    {
        var rules = new List<LinkRule>(2);
        if (options.VerifiedNhsNumberDecides && VerifiedNhsNumberRule.TryCreate(comparisons) is { } nhs)
        {
            rules.Add(nhs);
        }
        if (options.HouseholdGuard && HouseholdGuard.TryCreate(comparisons) is { } household)
        {
            rules.Add(household);
        }
        return rules.ToArray();
    }

    internal static int IndexOf<T>(IReadOnlyList<Comparison> comparisons)
        where T : Comparison
    {
        for (var i = 0; i < comparisons.Count; i++)
        {
            if (comparisons[i] is T)
            {
                return i;
            }
        }
        return -1;
    }
}

/// <summary>
/// Two NHS numbers both verified against PDS (UK Core status 01) are authoritative: equal means the same child,
/// different means different children (issue #4: a verified NHS number links deterministically).
/// </summary>
public sealed class VerifiedNhsNumberRule : LinkRule
{
    private readonly int _nhs;

    private VerifiedNhsNumberRule(int nhs) => _nhs = nhs;

    public static VerifiedNhsNumberRule? TryCreate(IReadOnlyList<Comparison> comparisons) =>
        IndexOf<NhsNumberComparison>(comparisons) is var i and >= 0 ? new VerifiedNhsNumberRule(i) : null;

    public override string Name => "verified_nhs_number";

    public override string Reason => "both NHS numbers verified: equal links, different never links";

    public override RuleEffect Apply(ReadOnlySpan<byte> levels) => levels[_nhs] switch
    {
        NhsNumberComparison.ExactVerified => RuleEffect.ForceLink,
        NhsNumberComparison.ElseVerified => RuleEffect.Forbid,
        _ => RuleEffect.None,
    };
}

/// <summary>
/// Twins share family name, date of birth, address, school and often a parent's e-mail; siblings share all of that
/// but the date of birth. Under the independence assumption the shared household fields add up to an overwhelming
/// match weight. The tell is the given name: both present and clearly different (not a nickname, typo, phonetic
/// variant, initial or swap), with the family name agreeing or missing and the date of birth either identical (twins)
/// or clearly different (siblings). Such a pair is never auto-linked: at most review.
/// </summary>
public sealed class HouseholdGuard : LinkRule
{
    private readonly int _given;
    private readonly int _family;
    private readonly int _dob;

    private HouseholdGuard(int given, int family, int dob)
    {
        _given = given;
        _family = family;
        _dob = dob;
    }

    public static HouseholdGuard? TryCreate(IReadOnlyList<Comparison> comparisons)
    {
        var given = IndexOf<GivenNameComparison>(comparisons);
        var family = IndexOf<FamilyNameComparison>(comparisons);
        var dob = IndexOf<DateOfBirthComparison>(comparisons);
        return given < 0 || family < 0 || dob < 0 ? null : new HouseholdGuard(given, family, dob);
    }

    public override string Name => "household_guard";

    public override string Reason => "same family name, clearly different given names, same or clearly different date of birth: possible twins or siblings";

    public override RuleEffect Apply(ReadOnlySpan<byte> levels)
    {
        if (levels[_given] != GivenNameComparison.Else)
        {
            return RuleEffect.None;
        }
        if (levels[_dob] is DateOfBirthComparison.Partial)
        {
            return RuleEffect.None;
        }
        // A missing family name does not clear the pair: the household fields may be what agrees.
        var household = levels[_family] is 0 or FamilyNameComparison.Exact or FamilyNameComparison.PreviousName or FamilyNameComparison.Part
            or FamilyNameComparison.JaroWinkler92 or FamilyNameComparison.Phonetic;
        return !household ? RuleEffect.None
            : levels[_dob] == DateOfBirthComparison.Exact ? RuleEffect.CapAtReview // twins: a person decides
            : RuleEffect.CapAtNoLink; // siblings: born apart, named apart

    }
}
