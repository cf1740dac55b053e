using SendInterop.Domain.Identifiers;

namespace SendInterop.Domain.Sen2;

/// <summary>
/// The return's <c>Header</c>: which collection and census day it is for (<c>CollectionDetails</c>) and which LA sends it
/// (<c>Source</c>). On export the caller supplies it (<see cref="ForReturn"/>); it is never derived from the record.
/// </summary>
public sealed record Sen2Header
{
    /// <summary>The fixed <c>Collection</c> value.</summary>
    public const string CollectionName = "SEN2";

    /// <summary>The fixed <c>SourceLevel</c> value: a local authority.</summary>
    public const string LocalAuthoritySourceLevel = "L";

    /// <summary>The collection year: the January of the census (2026 for the January 2026 return).</summary>
    public required int Year { get; init; }

    /// <summary>The census day (a Thursday in January of <see cref="Year"/>).</summary>
    public required DateOnly ReferenceDate { get; init; }

    /// <summary><c>LEA</c>: the LA making the return.</summary>
    public required LaCode La { get; init; }

    public string SourceLevel { get; init; } = LocalAuthoritySourceLevel;

    public string? SoftwareCode { get; init; }

    public string? Release { get; init; }

    public string? SerialNo { get; init; }

    /// <summary><c>DateTime</c>: when the file was produced (local time, no offset, as the schema has it).</summary>
    public DateTime? GeneratedAt { get; init; }

    /// <summary><c>DMO</c>: does the LA have a designated medical officer.</summary>
    public Sen2Code? DesignatedMedicalOfficer { get; init; }

    /// <summary><c>DCO</c>: does the LA have a designated clinical officer.</summary>
    public Sen2Code? DesignatedClinicalOfficer { get; init; }

    /// <summary>The header an export writes: the LA, the collection year and its census day.</summary>
    /// <exception cref="ArgumentException">The reference date is not in January of the collection year.</exception>
    public static Sen2Header ForReturn(LaCode la, int year, DateOnly referenceDate)
    {
        if (referenceDate.Year != year || referenceDate.Month != 1)
            throw new ArgumentException("The SEN2 reference date is the census day in January of the collection year.", nameof(referenceDate));
        return new Sen2Header { La = la, Year = year, ReferenceDate = referenceDate };
    }
}
