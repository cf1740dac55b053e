namespace SendInterop.Domain.Identity.Linkage.Comparisons;

/// <summary>
/// The standard comparison set: every field of <see cref="LinkageRecord"/>. A field that no record carries stays at
/// its null level for every pair and so adds nothing; the same set serves UK child records and the splink-fake columns.
/// </summary>
public static class DefaultComparisons
{
    public static IReadOnlyList<Comparison> Create() =>
    [
        new GivenNameComparison(),
        new FamilyNameComparison(),
        new DateOfBirthComparison(),
        new SexComparison(),
        new PostcodeComparison(),
        ExactIdentifierComparison.SchoolUrn(),
        ExactIdentifierComparison.LaCode(),
        new NhsNumberComparison(),
        new EmailComparison(),
        new CityComparison(),
    ];
}
