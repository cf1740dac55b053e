namespace SendInterop.Domain.Identity.Linkage;

/// <summary>Administrative sex as recorded (FHIR Patient.gender); Unknown means not recorded and compares as missing.</summary>
public enum LinkageSex
{
    Unknown = 0,
    Male = 1,
    Female = 2,
    Other = 3,
}

/// <summary>
/// What the linkage engine knows about one record of a child: the demographic fields agencies hold in common. Every
/// field is optional because every agency misses some (many education records carry no NHS number, health records no
/// school URN). The gateway maps a FHIR Patient to this; the benchmark maps the splink-fake CSV columns
/// (first_name, surname, dob, city, email) to it.
/// </summary>
public sealed record LinkageRecord
{
    /// <summary>The caller's id for the record (Patient id, CSV unique_id). Must be unique within one linkage run.</summary>
    public required string Id { get; init; }

    /// <summary>All given names in order, space separated ("Mary Jane"). The first is compared first.</summary>
    public string? GivenNames { get; init; }

    public string? FamilyName { get; init; }

    /// <summary>Family names the child was known by before (adoption, a parent's marriage): a match on one is evidence.</summary>
    public IReadOnlyList<string> PreviousFamilyNames { get; init; } = [];

    public PartialDate? BirthDate { get; init; }

    public LinkageSex Sex { get; init; }

    public string? Postcode { get; init; }

    /// <summary>URN of the school or setting the record places the child at.</summary>
    public string? SchoolUrn { get; init; }

    /// <summary>The local authority (3-digit or ONS code) responsible in this record.</summary>
    public string? LaCode { get; init; }

    public string? NhsNumber { get; init; }

    /// <summary>UK Core verification status 01 (present and verified by PDS). Two verified numbers decide on their own.</summary>
    public bool NhsNumberVerified { get; init; }

    public string? Email { get; init; }

    public string? City { get; init; }
}
