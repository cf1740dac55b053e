using Hl7.Fhir.Model;
using SendInterop.Domain.Identifiers;
using SendInterop.Domain.Identity.Linkage;
using SendInterop.Gateway.DemoData;

namespace SendInterop.Gateway.Identity;

/// <summary>
/// Maps a FHIR R4 (UK Core) Patient to the fields the linkage engine compares (<see cref="LinkageRecord"/>).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Current name: the first <c>official</c> name in force, else <c>usual</c>, else any name in force that is not
/// <c>old</c>/<c>maiden</c>/<c>anonymous</c>. Given names are joined with spaces.</item>
/// <item>Previous family names: names with use <c>old</c> or <c>maiden</c>, or whose period has ended, when their
/// family differs from the current one.</item>
/// <item>Postcode and town: the first current home address (no use counts as home), else any current address.</item>
/// <item>NHS number (<see cref="IdentifierSystems.NhsNumber"/>), verified when the UK Core verification status
/// extension on the identifier has code 01. School URN from <see cref="IdentifierSystems.SchoolUrn"/>; LA code from
/// the first part of an LA child id (<c>{LA}/{local id}</c>). E-mail: the first email telecom.</item>
/// </list>
/// </remarks>
public static class PatientLinkageRecords
{
    public const string VerifiedCode = "01";

    public static LinkageRecord From(Patient patient, string id, DateTimeOffset? now = null)
    {
        ArgumentNullException.ThrowIfNull(patient);
        var at = now ?? DateTimeOffset.UtcNow;
        var current = CurrentName(patient, at);
        var family = Clean(current?.Family);
        var previous = patient.Name
            .Where(n => n != current && (n.Use is HumanName.NameUse.Old or HumanName.NameUse.Maiden || Ended(n.Period, at)))
            .Select(n => Clean(n.Family))
            .Where(f => f is not null && !string.Equals(f, family, StringComparison.OrdinalIgnoreCase))
            .Select(f => f!)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        var address = CurrentAddress(patient, at);
        var nhs = patient.Identifier.FirstOrDefault(i => i.System == IdentifierSystems.NhsNumber && !string.IsNullOrWhiteSpace(i.Value));
        return new LinkageRecord
        {
            Id = id,
            GivenNames = current is null ? null : Clean(string.Join(' ', current.Given.Where(g => !string.IsNullOrWhiteSpace(g)))),
            FamilyName = family,
            PreviousFamilyNames = previous,
            BirthDate = PartialDate.TryParse(patient.BirthDate),
            Sex = patient.Gender switch
            {
                AdministrativeGender.Male => LinkageSex.Male,
                AdministrativeGender.Female => LinkageSex.Female,
                AdministrativeGender.Other => LinkageSex.Other,
                _ => LinkageSex.Unknown,
            },
            Postcode = Clean(address?.PostalCode),
            City = Clean(address?.City),
            NhsNumber = Clean(nhs?.Value),
            NhsNumberVerified = nhs is not null && IsVerified(nhs),
            SchoolUrn = Clean(patient.Identifier.FirstOrDefault(i => i.System == IdentifierSystems.SchoolUrn)?.Value),
            LaCode = LaCodeOf(patient),
            Email = Clean(patient.Telecom.FirstOrDefault(t => t.System == ContactPoint.ContactPointSystem.Email && !Ended(t.Period, at))?.Value),
        };
    }

    /// <summary>Whether the NHS number identifier carries UK Core verification status 01 (present and verified).</summary>
    public static bool IsVerified(Identifier nhs) =>
        nhs.Extension.Any(e => e.Url == DemoCodes.NhsNumberVerificationStatusExtension
            && e.Value is CodeableConcept cc
            && cc.Coding.Any(c => c.Code == VerifiedCode && (c.System is null || c.System == DemoCodes.NhsNumberVerificationStatusSystem)));

    private static HumanName? CurrentName(Patient patient, DateTimeOffset at)
    {
        var inForce = patient.Name.Where(n => !Ended(n.Period, at)).ToList();
        return inForce.FirstOrDefault(n => n.Use == HumanName.NameUse.Official)
            ?? inForce.FirstOrDefault(n => n.Use == HumanName.NameUse.Usual)
            ?? inForce.FirstOrDefault(n => n.Use is null or HumanName.NameUse.Nickname or HumanName.NameUse.Temp);
    }

    private static Address? CurrentAddress(Patient patient, DateTimeOffset at)
    {
        var current = patient.Address.Where(a => !Ended(a.Period, at) && a.Use != Address.AddressUse.Old && !string.IsNullOrWhiteSpace(a.PostalCode)).ToList();
        return current.FirstOrDefault(a => a.Use is null or Address.AddressUse.Home) ?? current.FirstOrDefault();
    }

    private static string? LaCodeOf(Patient patient)
    {
        foreach (var i in patient.Identifier.Where(i => i.System == IdentifierSystems.LaChildId))
        {
            if (LaChildId.TryParse(i.Value, out var child, out _)) return child.LaCode.Value;
        }
        return null;
    }

    private static bool Ended(Period? period, DateTimeOffset at) =>
        period?.EndElement?.ToDateTimeOffset(TimeSpan.Zero) is { } end && end < at;

    private static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
