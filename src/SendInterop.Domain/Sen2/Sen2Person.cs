using SendInterop.Domain.Identifiers;

namespace SendInterop.Domain.Sen2;

/// <summary>
/// One <c>Person</c> of the return (module 1) with its requests. Identifiers arrive checked (<see cref="Identifiers.Upn"/>,
/// <see cref="Identifiers.Uln"/>); a person has a UPN and/or a ULN, or else a <see cref="UpnUnknown"/> reason.
/// </summary>
/// <remarks>Holds personal data: never log a person or put one in an exception message.</remarks>
public sealed record Sen2Person
{
    public required string Surname { get; init; }

    public required string Forename { get; init; }

    /// <summary><c>PersonBirthDate</c>.</summary>
    public required DateOnly BirthDate { get; init; }

    /// <summary><c>Sex</c> (<see cref="Sen2CodeLists.Sex"/>).</summary>
    public required Sen2Code Sex { get; init; }

    /// <summary><c>Ethnicity</c> (<see cref="Sen2CodeLists.Ethnicity"/>).</summary>
    public required Sen2Code Ethnicity { get; init; }

    /// <summary><c>PostCode</c>, as the LA wrote it.</summary>
    public required string PostCode { get; init; }

    public Upn? Upn { get; init; }

    /// <summary><c>UniqueLearnerNumber</c>.</summary>
    public Uln? Uln { get; init; }

    /// <summary><c>UPNunknown</c>: why neither a UPN nor a ULN is given.</summary>
    public Sen2Code? UpnUnknown { get; init; }

    /// <summary>The <c>Requests</c> elements (one request each), at least one.</summary>
    public required IReadOnlyList<Sen2Request> Requests { get; init; }
}
