namespace SendInterop.Domain.Profiles;

/// <summary>
/// The one place that defines the SendInterop canonical base and every URL derived from it: profiles, extensions,
/// code systems, value sets and our own identifier namespaces. The JSON under <c>conformance/</c> uses exactly these
/// URLs (a test checks both directions), so renaming anything here means renaming it there too.
/// </summary>
public static class SendCanonical
{
    /// <summary>Canonical base for every artefact this project publishes. No trailing slash.</summary>
    public const string Base = "https://fhir.sendinterop.org.uk";

    /// <summary>Version stamped on the conformance resources; bump when a profile changes incompatibly.</summary>
    public const string Version = "0.1.0";

    private const string StructureDefinition = Base + "/StructureDefinition/";
    private const string CodeSystem = Base + "/CodeSystem/";
    private const string ValueSet = Base + "/ValueSet/";

    /// <summary>Resource profiles (StructureDefinition, kind resource, derivation constraint).</summary>
    public static class Profiles
    {
        /// <summary>Patient: the child or young person (0-25). Compatible with UK Core Patient.</summary>
        public const string Child = StructureDefinition + "send-child";

        /// <summary>CarePlan: the EHC plan, sections A-K.</summary>
        public const string EhcPlan = StructureDefinition + "send-ehc-plan";

        /// <summary>Goal: an outcome sought (section E), categorised by Preparation-for-Adulthood domain.</summary>
        public const string Outcome = StructureDefinition + "send-outcome";

        /// <summary>Condition: a special educational need (SEN2 need type) or a diagnosis behind one.</summary>
        public const string Need = StructureDefinition + "send-need";

        /// <summary>Every profile, for start-up checks and tests.</summary>
        public static IReadOnlyList<string> All { get; } = [Child, EhcPlan, Outcome, Need];

        /// <summary>The SEND profile a resource type gets when the caller names none, or null if the type has none.</summary>
        public static string? ForResourceType(string resourceType) => resourceType switch
        {
            "Patient" => Child,
            "CarePlan" => EhcPlan,
            "Goal" => Outcome,
            "Condition" => Need,
            _ => null,
        };
    }

    /// <summary>Extension definitions.</summary>
    public static class Extensions
    {
        /// <summary>Section I: the school or other institution named in the plan (Reference(Organization)).</summary>
        public const string EhcPlacement = StructureDefinition + "ehc-placement";

        /// <summary>Section J: the personal budget (complex: amount in GBP, period, direct payment flag).</summary>
        public const string EhcPersonalBudget = StructureDefinition + "ehc-personal-budget";

        /// <summary>Which section (A-K) of the plan a supportingInfo / addresses / goal / activity entry belongs to.</summary>
        public const string EhcPlanSection = StructureDefinition + "ehc-plan-section";

        /// <summary>SEN2 SENtypeRank: 1 = primary need, 2 = secondary need.</summary>
        public const string SenNeedRank = StructureDefinition + "sen-need-rank";

        public static IReadOnlyList<string> All { get; } = [EhcPlacement, EhcPersonalBudget, EhcPlanSection, SenNeedRank];
    }

    /// <summary>Code systems we own.</summary>
    public static class CodeSystems
    {
        /// <summary>SEN2 SENtype codes (SPLD, MLD, ..., OTH) plus school census NSA.</summary>
        public const string Sen2NeedType = CodeSystem + "sen2-need-type";

        /// <summary>The four Preparation-for-Adulthood outcome domains (SEND Code of Practice chapter 8).</summary>
        public const string PfaDomain = CodeSystem + "pfa-domain";

        /// <summary>CarePlan categories: the EHC plan.</summary>
        public const string EhcPlanCategory = CodeSystem + "ehc-plan-category";

        /// <summary>The sections of an EHC plan, A to K (H split into H1 and H2).</summary>
        public const string EhcPlanSection = CodeSystem + "ehc-plan-section";

        public static IReadOnlyList<string> All { get; } = [Sen2NeedType, PfaDomain, EhcPlanCategory, EhcPlanSection];
    }

    /// <summary>Value sets we own.</summary>
    public static class ValueSets
    {
        public const string Sen2NeedType = ValueSet + "sen2-need-type";
        public const string PfaDomain = ValueSet + "pfa-domain";
        public const string EhcPlanCategory = ValueSet + "ehc-plan-category";
        public const string EhcPlanSection = ValueSet + "ehc-plan-section";

        /// <summary>The CarePlan.status codes an EHC plan may take (a subset of request-status).</summary>
        public const string EhcPlanStatus = ValueSet + "ehc-plan-status";

        public static IReadOnlyList<string> All { get; } = [Sen2NeedType, PfaDomain, EhcPlanCategory, EhcPlanSection, EhcPlanStatus];
    }

    /// <summary>Codes used in fixed values and patterns of the profiles.</summary>
    public static class Codes
    {
        /// <summary>The <see cref="CodeSystems.EhcPlanCategory"/> code every EHC plan CarePlan carries.</summary>
        public const string EhcPlanCategory = "ehc-plan";
    }

    /// <summary>Identifier namespaces (Identifier.system) we had to mint because no national one exists (DOMAIN.md 3.4).</summary>
    public static class IdentifierNamespaces
    {
        private const string Id = Base + "/Id/";

        public const string Upn = Id + "upn";
        public const string Uln = Id + "uln";
        public const string LaChildId = Id + "la-child-id";
        public const string ProviderLocalId = Id + "provider-local-id";
        public const string SchoolUrn = Id + "school-urn";
        public const string Ukprn = Id + "ukprn";
    }
}
