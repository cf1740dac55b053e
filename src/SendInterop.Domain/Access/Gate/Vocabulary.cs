using SendInterop.Domain.Profiles;

namespace SendInterop.Domain.Access.Gate;

/// <summary>The three agencies of the EHC process. An organisation belongs to exactly one.</summary>
public static class Agencies
{
    public const string Education = "education";
    public const string SocialCare = "social-care";
    public const string Health = "health";

    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal) { Education, SocialCare, Health };
}

/// <summary>
/// Purposes of use (CONSENT.md), our own small code system mapped to HL7 PurposeOfUse where one fits.
/// </summary>
public static class PurposesOfUse
{
    public const string System = SendCanonical.Base + "/CodeSystem/purpose-of-use";

    /// <summary>HL7 TREAT.</summary>
    public const string DirectCare = "direct-care";
    /// <summary>The LA's statutory EHC needs assessment and the advice for it.</summary>
    public const string EhcAssessment = "ehc-assessment";
    /// <summary>Annual and phase-transfer reviews.</summary>
    public const string EhcReview = "ehc-review";
    /// <summary>HL7 ETREAT: break-glass only, with a stated reason.</summary>
    public const string Safeguarding = "safeguarding";
    /// <summary>The child, young person or parent asking about their own record.</summary>
    public const string SubjectAccess = "subject-access";
    /// <summary>Aggregates only, never a row-level resource.</summary>
    public const string Commissioning = "commissioning";

    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        DirectCare, EhcAssessment, EhcReview, Safeguarding, SubjectAccess, Commissioning,
    };
}

/// <summary>The classes of data that Tier 2 agreements and Consent provisions speak about.</summary>
public static class DataClasses
{
    public const string System = SendCanonical.Base + "/CodeSystem/data-class";

    public const string Education = "education";
    public const string Health = "health";
    public const string SocialCare = "social-care";
    public const string Plan = "plan";
    public const string Identity = "identity";
    public const string Audit = "audit";
    /// <summary>Organisations, practitioners, locations, services, and conformance resources: not about any person's care.</summary>
    public const string Directory = "directory";

    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        Education, Health, SocialCare, Plan, Identity, Audit, Directory,
    };
}

/// <summary>Security labels the gate understands (meta.security codings).</summary>
public static class SecurityLabels
{
    public const string ActCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    public const string Confidentiality = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
    /// <summary>Our code system for sensitivities HL7 has no code for (safeguarding).</summary>
    public const string SendSensitivity = SendCanonical.Base + "/CodeSystem/sensitivity";

    public static readonly SecurityLabel MentalHealth = new(ActCode, "MH");
    public static readonly SecurityLabel SexualHealth = new(ActCode, "SEX");
    public static readonly SecurityLabel SexuallyTransmittedDisease = new(ActCode, "STD");
    public static readonly SecurityLabel Safeguarding = new(SendSensitivity, "safeguarding");
    public static readonly SecurityLabel Restricted = new(Confidentiality, "R");
    public static readonly SecurityLabel VeryRestricted = new(Confidentiality, "V");

    /// <summary>
    /// Labels withheld unless a Consent permit provision names them explicitly (or break-glass applies):
    /// mental health, sexual health, safeguarding, and the two highest confidentiality levels.
    /// </summary>
    public static IReadOnlySet<SecurityLabel> Sensitive { get; } = new HashSet<SecurityLabel>
    {
        MentalHealth, SexualHealth, SexuallyTransmittedDisease, Safeguarding, Restricted, VeryRestricted,
    };
}

/// <summary>A security label or code as system and code (both compared ordinally).</summary>
public readonly record struct SecurityLabel(string System, string Code)
{
    public override string ToString() => $"{System}|{Code}";
}

/// <summary>A code on the data (e.g. Observation.code) as system and code.</summary>
public readonly record struct DataCode(string System, string Code)
{
    public override string ToString() => $"{System}|{Code}";
}
