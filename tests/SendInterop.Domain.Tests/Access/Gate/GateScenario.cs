using SendInterop.Domain.Access;
using SendInterop.Domain.Access.Gate;

namespace SendInterop.Domain.Tests.Access.Gate;

/// <summary>
/// Small builders for consent-gate tests: the organisations of one Norfolk child's EHC process, requesters, resource
/// facts, consent directives and agreements. Every builder takes only what a test varies; the rest is a fixed,
/// realistic default.
/// </summary>
internal static class GateScenario
{
    /// <summary>The time of access in most tests: a Thursday in November (GMT, far from any school-age boundary).</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    public const string ChildId = "child-1";

    /// <summary>14 on <see cref="Now"/>: the parent decides until 2028-06-30.</summary>
    public static readonly DateOnly BornAged14 = new(2012, 3, 14);

    /// <summary>17 on <see cref="Now"/>: compulsory school age ended 2025-06-27, so the young person decides.</summary>
    public static readonly DateOnly BornAged17 = new(2009, 5, 10);

    // Organisations and their agencies.
    public const string La = "la-926";                 // education: the LA's SEN team
    public const string LaSocialCare = "la-926-csc";   // social care: the LA's children's services
    public const string Camhs = "ods-RMY";             // health: CAMHS trust
    public const string Paediatrics = "ods-RCX";       // health: community paediatrics trust
    public const string Gp = "ods-D82001";             // health: the child's GP practice
    public const string Icb = "ods-QMM";               // health: the ICB (commissioner)
    public const string School = "school-121234";      // education: the school named in the plan
    public const string OtherSchool = "school-121999"; // education: a school the plan does not name
    public const string Unagreed = "ods-ZZZ99";        // health: takes part in no agreement
    public const string SubjectAccessApp = "app-my-send-record";

    public static readonly ConsentGate Gate = new(new ConsentGateOptions());

    public static GateDecision Decide(Requester requester, ResourceFacts data, ChildContext? child, SharingAgreements agreements, DateTimeOffset? now = null) =>
        Gate.Decide(requester, data, child, agreements, now ?? Now);

    public static Requester Requester(
        string organisation,
        string agency,
        string purpose,
        string? patientContext = null,
        string? breakGlassReason = null,
        DateTimeOffset? breakGlassUntil = null) =>
        new(
            ClientId: "client-" + organisation,
            OrganisationId: organisation,
            Agency: agency,
            Role: null,
            Scopes: ScopeSet.Empty,
            AllowedPurposes: new HashSet<string>(StringComparer.Ordinal) { purpose },
            Purpose: purpose,
            PatientContext: patientContext,
            BreakGlassReason: breakGlassReason,
            BreakGlassUntil: breakGlassUntil);

    /// <summary>A resource about <see cref="ChildId"/>, owned by <paramref name="owner"/> (of agency <paramref name="ownerAgency"/>).</summary>
    public static ResourceFacts Data(
        string resourceType,
        string id,
        string? owner,
        string? ownerAgency,
        string dataClass,
        SecurityLabel[]? labels = null,
        string? childId = ChildId,
        DateTimeOffset? dataDate = null,
        DataCode[]? codes = null,
        string[]? named = null) =>
        new(resourceType, id, owner, ownerAgency, dataClass, labels ?? [], childId, dataDate, codes ?? [], named ?? []);

    /// <summary>An Observation recorded by the GP (health data).</summary>
    public static ResourceFacts GpObservation(string id = "obs-1", SecurityLabel[]? labels = null, DateTimeOffset? dataDate = null) =>
        Data("Observation", id, Gp, Agencies.Health, DataClasses.Health, labels, dataDate: dataDate ?? new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>The EHC plan, owned by the LA, naming the LA and <paramref name="named"/>.</summary>
    public static ResourceFacts Plan(params string[] named) =>
        Data("CarePlan", "ehc-plan-1", La, Agencies.Education, DataClasses.Plan, named: [La, .. named],
            dataDate: new DateTimeOffset(2025, 9, 1, 0, 0, 0, TimeSpan.Zero));

    public static ChildContext Child(DateOnly? born, params ConsentDirective[] consents) =>
        new(ChildId, born, LacksCapacity: false, consents, new HashSet<string>(StringComparer.Ordinal));

    public static ChildContext WithOpenAssessment(this ChildContext child, params string[] organisations) =>
        child with { OrganisationsWithOpenAssessment = new HashSet<string>(organisations, StringComparer.Ordinal) };

    public static ConsentDirective Directive(string id, ConsentPerformer performer, ConsentProvision provision, TimeRange? period = null) =>
        new(id, performer, period, provision);

    public static ConsentProvision Permit(
        string[]? actors = null,
        string[]? purposes = null,
        string[]? classes = null,
        DataCode[]? codes = null,
        SecurityLabel[]? labels = null,
        TimeRange? period = null,
        TimeRange? dataPeriod = null,
        params ConsentProvision[] exceptions) =>
        Provision(ProvisionType.Permit, actors, purposes, classes, codes, labels, period, dataPeriod, exceptions);

    public static ConsentProvision Deny(
        string[]? actors = null,
        string[]? purposes = null,
        string[]? classes = null,
        DataCode[]? codes = null,
        SecurityLabel[]? labels = null,
        TimeRange? period = null,
        TimeRange? dataPeriod = null,
        params ConsentProvision[] exceptions) =>
        Provision(ProvisionType.Deny, actors, purposes, classes, codes, labels, period, dataPeriod, exceptions);

    private static ConsentProvision Provision(
        ProvisionType type, string[]? actors, string[]? purposes, string[]? classes, DataCode[]? codes,
        SecurityLabel[]? labels, TimeRange? period, TimeRange? dataPeriod, ConsentProvision[] exceptions) =>
        new(type, actors ?? [], purposes ?? [], classes ?? [], codes ?? [], labels ?? [], period, dataPeriod, exceptions);

    public static Tier1Agreement Tier1(string id, string[] organisations, params string[] purposes) =>
        new(id, new HashSet<string>(organisations, StringComparer.Ordinal), new HashSet<string>(purposes, StringComparer.Ordinal));

    public static Tier2Agreement Tier2(string id, string from, string to, string[] classes, params string[] purposes) =>
        new(id, from, to, new HashSet<string>(classes, StringComparer.Ordinal), new HashSet<string>(purposes, StringComparer.Ordinal));

    public static SharingAgreements Agreements(Tier1Agreement[] tier1, params Tier2Agreement[] tier2) => new(tier1, tier2);

    public static DateTimeOffset Utc(int year, int month, int day, int hour = 12, int minute = 0) =>
        new(year, month, day, hour, minute, 0, TimeSpan.Zero);
}
