using Hl7.Fhir.Model;
using SendInterop.Domain.Identifiers;

namespace SendInterop.Gateway.DemoData;

/// <summary>What a school, college or setting is, for choosing a placement by age and need.</summary>
public enum SettingKind { Primary, Secondary, Special, College }

/// <summary>A local authority of the demo: real LA codes and names, everything under them synthetic.</summary>
public sealed record DemoLocalAuthority(
    string Code, string Name, string County, double ShareOfChildren, double ShareIssuedWithin20Weeks,
    IReadOnlyList<(string Town, string[] Districts)> Towns)
{
    public string Id => "la-" + Code;
    public string Reference => "Organization/" + Id;
}

/// <summary>An NHS trust, by its real ODS code. The clinicians under it are fictional.</summary>
public sealed record DemoTrust(string OdsCode, string Name, string ServesLaCode)
{
    public string Id => "ods-" + OdsCode;
    public string Reference => "Organization/" + Id;
}

/// <summary>A fictional school or college. Schools carry a URN and a DfE establishment number (used in UPNs).</summary>
public sealed record DemoSetting(string LaCode, SettingKind Kind, string Name, string Town, int Urn, int EstablishmentNumber, int? Ukprn = null)
{
    public string Id => Ukprn is { } ukprn ? $"college-{ukprn}" : $"school-{Urn}";
    public string Reference => "Organization/" + Id;
}

/// <summary>The role a member of staff plays in the EHC process.</summary>
public enum StaffRole { EhcCoordinator, EducationalPsychologist, SocialWorker, CommunityPaediatrician, SpeechAndLanguageTherapist, OccupationalTherapist, Physiotherapist, CamhsPractitioner }

/// <summary>A fictional practitioner working for an LA or a trust.</summary>
public sealed record DemoStaff(string Id, string OrganizationId, StaffRole Role, string Prefix, string Given, string Family, string JobTitle)
{
    public string Reference => "Practitioner/" + Id;
    public string OrganizationReference => "Organization/" + OrganizationId;
    public string Display => $"{(Prefix.Length > 0 ? Prefix + " " : "")}{Given} {Family}";
}

/// <summary>
/// The organisations and practitioners every child refers to. They are created once, in their own transaction, with
/// PUT and client-assigned ids (<c>Organization/la-926</c>), so each child's transaction refers to them by literal id.
/// </summary>
public static class DemoDirectory
{
    /// <summary>
    /// Norfolk (926) and Suffolk (935), East of England. Shares of children follow their EHC plan caseloads in January 2025
    /// (12,147 and 8,837: DfE "Education, health and care plans" 2025 release, sen_needs_all_plans.csv). The 20-week rates
    /// are the demo's: Norfolk's own 2024 figure, 55.7% (timeliness_20_week.csv, 1,064 of 1,909); for Suffolk the England
    /// 2023 figure excluding exceptions, 50.3%, instead of Suffolk's own 25.4%, so the demo's headline sits in the national
    /// band rather than at an outlier.
    /// </summary>
    public static IReadOnlyList<DemoLocalAuthority> LocalAuthorities { get; } =
    [
        new("926", "Norfolk County Council", "Norfolk", 0.58, 0.557,
        [
            ("Norwich", ["NR1", "NR2", "NR3", "NR4", "NR5", "NR6", "NR7"]),
            ("Great Yarmouth", ["NR30", "NR31"]),
            ("King's Lynn", ["PE30", "PE34"]),
            ("Thetford", ["IP24"]),
            ("Dereham", ["NR19", "NR20"]),
            ("Cromer", ["NR27"]),
            ("Wymondham", ["NR18"]),
        ]),
        new("935", "Suffolk County Council", "Suffolk", 0.42, 0.503,
        [
            ("Ipswich", ["IP1", "IP2", "IP3", "IP4"]),
            ("Bury St Edmunds", ["IP32", "IP33"]),
            ("Lowestoft", ["NR32", "NR33"]),
            ("Felixstowe", ["IP11"]),
            ("Stowmarket", ["IP14"]),
            ("Sudbury", ["CO10"]),
            ("Haverhill", ["CB9"]),
        ]),
    ];

    /// <summary>
    /// Community health for each county and the mental health trust that serves both (real ODS codes): Norfolk Community
    /// Health and Care (RY3), East Suffolk and North Essex (RDE), Norfolk and Suffolk (RMY, CAMHS).
    /// </summary>
    public static IReadOnlyList<DemoTrust> Trusts { get; } =
    [
        new("RY3", "Norfolk Community Health and Care NHS Trust", "926"),
        new("RDE", "East Suffolk and North Essex NHS Foundation Trust", "935"),
        new("RMY", "Norfolk and Suffolk NHS Foundation Trust", "*"),
    ];

    /// <summary>Fictional schools and colleges. URNs, establishment numbers and UKPRNs are made up.</summary>
    public static IReadOnlyList<DemoSetting> Settings { get; } =
    [
        new("926", SettingKind.Primary, "Wensum Meadows Primary School", "Norwich", 920101, 2101),
        new("926", SettingKind.Primary, "Saltmarsh Church of England Primary Academy", "King's Lynn", 920102, 2102),
        new("926", SettingKind.Primary, "Yare Fields Community Primary School", "Great Yarmouth", 920103, 2103),
        new("926", SettingKind.Secondary, "Breckland Heath High School", "Dereham", 920201, 4101),
        new("926", SettingKind.Secondary, "Bure Valley Academy", "Norwich", 920202, 4102),
        new("926", SettingKind.Special, "Marsh Harrier Special School", "Norwich", 920301, 7101),
        new("926", SettingKind.College, "Broadland College of Further Education", "Norwich", 920401, 0, 10092601),
        new("935", SettingKind.Primary, "Orwell Heath Primary School", "Ipswich", 935101, 2201),
        new("935", SettingKind.Primary, "Deben Fields Primary School", "Felixstowe", 935102, 2202),
        new("935", SettingKind.Primary, "Lark Valley Primary Academy", "Bury St Edmunds", 935103, 2203),
        new("935", SettingKind.Secondary, "Gipping Valley High School", "Stowmarket", 935201, 4201),
        new("935", SettingKind.Secondary, "Waveney Cliffs Academy", "Lowestoft", 935202, 4202),
        new("935", SettingKind.Special, "Stour Meadows Special School", "Ipswich", 935301, 7201),
        new("935", SettingKind.College, "Suffolk Coast College", "Ipswich", 935401, 0, 10093501),
    ];

    /// <summary>Fictional staff: EHC coordinators, an educational psychologist and a social worker per LA; clinicians per trust.</summary>
    public static IReadOnlyList<DemoStaff> Staff { get; } =
    [
        new("la-926-ehc-1", "la-926", StaffRole.EhcCoordinator, "", "Harriet", "Boyce", "EHC coordinator"),
        new("la-926-ehc-2", "la-926", StaffRole.EhcCoordinator, "", "Daniel", "Okafor", "EHC coordinator"),
        new("la-926-ep", "la-926", StaffRole.EducationalPsychologist, "Dr", "Priya", "Raman", "Educational psychologist"),
        new("la-926-sw", "la-926", StaffRole.SocialWorker, "", "Joanne", "Whitlock", "Social worker, children with disabilities team"),
        new("la-935-ehc-1", "la-935", StaffRole.EhcCoordinator, "", "Megan", "Tasker", "EHC coordinator"),
        new("la-935-ehc-2", "la-935", StaffRole.EhcCoordinator, "", "Samuel", "Adeyemi", "EHC coordinator"),
        new("la-935-ep", "la-935", StaffRole.EducationalPsychologist, "Dr", "Fiona", "Kerr", "Educational psychologist"),
        new("la-935-sw", "la-935", StaffRole.SocialWorker, "", "Liam", "Hargreaves", "Social worker, disabled children's team"),
        new("ods-RY3-paed", "ods-RY3", StaffRole.CommunityPaediatrician, "Dr", "Helen", "Marsh", "Consultant community paediatrician"),
        new("ods-RY3-slt", "ods-RY3", StaffRole.SpeechAndLanguageTherapist, "", "Chloe", "Brennan", "Speech and language therapist"),
        new("ods-RY3-ot", "ods-RY3", StaffRole.OccupationalTherapist, "", "Aisha", "Patel", "Children's occupational therapist"),
        new("ods-RY3-physio", "ods-RY3", StaffRole.Physiotherapist, "", "Owen", "Sayers", "Paediatric physiotherapist"),
        new("ods-RDE-paed", "ods-RDE", StaffRole.CommunityPaediatrician, "Dr", "Thomas", "Fairley", "Consultant community paediatrician"),
        new("ods-RDE-slt", "ods-RDE", StaffRole.SpeechAndLanguageTherapist, "", "Rebecca", "Nunn", "Speech and language therapist"),
        new("ods-RDE-ot", "ods-RDE", StaffRole.OccupationalTherapist, "", "Imogen", "Clarke", "Children's occupational therapist"),
        new("ods-RDE-physio", "ods-RDE", StaffRole.Physiotherapist, "", "Gareth", "Lloyd", "Paediatric physiotherapist"),
        new("ods-RMY-camhs-n", "ods-RMY", StaffRole.CamhsPractitioner, "", "Natalie", "Greaves", "CAMHS practitioner (Norfolk)"),
        new("ods-RMY-camhs-s", "ods-RMY", StaffRole.CamhsPractitioner, "", "Marcus", "Ellery", "CAMHS practitioner (Suffolk)"),
    ];

    public static DemoLocalAuthority La(string code) => LocalAuthorities.Single(l => l.Code == code);

    /// <summary>The trust giving community health services (paediatrics, therapies) to children of the LA.</summary>
    public static DemoTrust CommunityTrust(string laCode) => Trusts.Single(t => t.ServesLaCode == laCode);

    /// <summary>The mental health trust (CAMHS), for both LAs.</summary>
    public static DemoTrust MentalHealthTrust => Trusts.Single(t => t.ServesLaCode == "*");

    public static IEnumerable<DemoSetting> SettingsOf(string laCode, SettingKind kind) =>
        Settings.Where(s => s.LaCode == laCode && s.Kind == kind);

    public static IEnumerable<DemoStaff> StaffOf(string organizationId, StaffRole role) =>
        Staff.Where(s => s.OrganizationId == organizationId && s.Role == role);

    /// <summary>Every literal reference (<c>Organization/la-926</c>, <c>Practitioner/la-926-ep</c>) the shared bundle creates.</summary>
    public static IReadOnlySet<string> SharedReferences { get; } = new HashSet<string>(
        LocalAuthorities.Select(l => l.Reference)
            .Concat(Trusts.Select(t => t.Reference))
            .Concat(Settings.Select(s => s.Reference))
            .Concat(Staff.Select(s => s.Reference)),
        StringComparer.Ordinal);

    /// <summary>A transaction that creates (or overwrites) every shared Organization and Practitioner with PUT.</summary>
    public static Bundle SharedBundle()
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        foreach (var la in LocalAuthorities) Put(bundle, LaOrganization(la));
        foreach (var trust in Trusts) Put(bundle, TrustOrganization(trust));
        foreach (var setting in Settings) Put(bundle, SettingOrganization(setting));
        foreach (var staff in Staff) Put(bundle, Practitioner(staff));
        return bundle;
    }

    private static void Put(Bundle bundle, Resource resource) =>
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = $"urn:uuid:{DeterministicUuid(resource.TypeName + "/" + resource.Id)}",
            Resource = resource,
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = $"{resource.TypeName}/{resource.Id}" },
        });

    private static Organization LaOrganization(DemoLocalAuthority la) => new()
    {
        Id = la.Id,
        Identifier = [new Identifier(DemoCodes.LaCodeSystem, la.Code)],
        Active = true,
        Type = [DemoCodes.Concept(DemoCodes.OrganizationType, "govt", "Government", "Local authority")],
        Name = la.Name,
        Alias = [$"{la.County} SEND service"],
        Address = [new Address { City = la.Towns[0].Town, District = la.County, Country = "GB" }],
    };

    private static Organization TrustOrganization(DemoTrust trust) => new()
    {
        Id = trust.Id,
        Identifier = [new Identifier(IdentifierSystems.OdsOrganizationCode, trust.OdsCode)],
        Active = true,
        Type = [DemoCodes.Concept(DemoCodes.OrganizationType, "prov", "Healthcare Provider", "NHS trust")],
        Name = trust.Name,
    };

    private static Organization SettingOrganization(DemoSetting setting)
    {
        var la = La(setting.LaCode);
        var org = new Organization
        {
            Id = setting.Id,
            Identifier = setting.Ukprn is { } ukprn
                ? [new Identifier(DemoCodes.UkprnSystem, ukprn.ToString(System.Globalization.CultureInfo.InvariantCulture))]
                : [new Identifier(DemoCodes.SchoolUrnSystem, setting.Urn.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            Active = true,
            Type = [DemoCodes.Concept(DemoCodes.OrganizationType, "edu", "Educational Institute", setting.Kind switch
            {
                SettingKind.Primary => "Mainstream primary school",
                SettingKind.Secondary => "Mainstream secondary school",
                SettingKind.Special => "Special school",
                _ => "General further education college",
            })],
            Name = setting.Name,
            Address = [new Address { City = setting.Town, District = la.County, Country = "GB" }],
        };
        // Maintained schools belong to their LA; academies and colleges do not.
        if (setting.Kind != SettingKind.College && !setting.Name.Contains("Academy", StringComparison.Ordinal))
            org.PartOf = new ResourceReference(la.Reference);
        return org;
    }

    private static Practitioner Practitioner(DemoStaff staff) => new()
    {
        Id = staff.Id,
        Active = true,
        Name = [new HumanName
        {
            Use = HumanName.NameUse.Official, Family = staff.Family, Given = [staff.Given],
            Prefix = staff.Prefix.Length > 0 ? [staff.Prefix] : [],
        }],
        Qualification = [new Practitioner.QualificationComponent
        {
            Code = new CodeableConcept { Text = staff.JobTitle },
            Issuer = new ResourceReference(staff.OrganizationReference),
        }],
    };

    /// <summary>A stable version-4-shaped UUID from a name, so the shared bundle is identical on every run.</summary>
    internal static Guid DeterministicUuid(string name)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name));
        return SyntheticCohort.AsVersion4(hash.AsSpan(0, 16));
    }
}
