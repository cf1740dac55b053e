using System.Text.Json.Nodes;
using System.Xml.Linq;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using SendInterop.Domain.Identifiers;
using SendInterop.Domain.Profiles;

namespace SendInterop.Gateway.OpenApi;

/// <summary>
/// The example bodies in the OpenAPI document. They are built as Firely POCOs from the same constants the profiles
/// use and serialised by Firely, so each one is valid FHIR R4 in JSON and XML and conforms to its SEND profile (a
/// test posts them to the gateway). Everything is fixed: no clock, no random ids, so the document is reproducible.
/// </summary>
internal static class FhirOpenApiExamples
{
    /// <summary>NHS number in the 999 test range with a valid modulus 11 check digit (never a real person).</summary>
    public const string NhsNumber = "9990000018";

    /// <summary>The id the "stored" examples carry, and the example value of the <c>id</c> path parameter.</summary>
    public const string ChildId = "send-child-example";

    /// <summary>Example of conditional criteria (If-None-Exist, conditional update and delete).</summary>
    public const string NhsNumberCriteria = "identifier=" + IdentifierSystems.NhsNumber + "|" + NhsNumber;

    /// <summary>The base URL the example bundles show (the gateway writes its own, from the request).</summary>
    private const string ExampleBase = "https://sendinterop.example.org/fhir";

    private static readonly DateTimeOffset LastUpdated = new(2025, 3, 14, 9, 30, 0, TimeSpan.Zero);
    private const string PatientUuid = "urn:uuid:6a1d3c52-5b0e-4b5e-9a53-0c1f8a2e7d10";
    private const string NeedUuid = "urn:uuid:0f4e2b7a-8c31-4d2e-b7a9-3e5d6c1f2a40";
    private const string OutcomeUuid = "urn:uuid:9b2c7e14-2f6a-4c8d-a1e3-5d7f9b0c4e21";
    private const string PlanUuid = "urn:uuid:c3e8a5d1-7b94-4f20-8e6c-2a1b0d9f5e33";

    private static readonly FhirJsonSerializer Json = new();
    private static readonly FhirXmlSerializer Xml = new();

    /// <summary>A valid UPN (permanent, DfE check letter) for a pupil of LA 926 (Norfolk), built by the domain code.</summary>
    public static string Upn { get; } = Domain.Identifiers.Upn.Create(LaCode.Parse("926"), 2001, 15, 42).Value;

    /// <summary>A SEND child (profile send-child): NHS number, UPN and LA child id, as a client would create it.</summary>
    public static Patient Child() => new()
    {
        Meta = new Meta { Profile = [SendCanonical.Profiles.Child] },
        Identifier =
        [
            new Identifier(IdentifierSystems.NhsNumber, NhsNumber),
            new Identifier(IdentifierSystems.Upn, Upn),
            new Identifier(IdentifierSystems.LaChildId, "926/CH-004211"),
        ],
        Name = [new HumanName { Use = HumanName.NameUse.Official, Family = "Okafor", Given = ["Amara", "Grace"] }],
        Gender = AdministrativeGender.Female,
        BirthDate = "2014-09-03",
        Address = [new Address { Use = Address.AddressUse.Home, Line = ["1 Example Road"], City = "Norwich", PostalCode = "NR1 1AA", Country = "GB" }],
    };

    /// <summary>The same child as the server returns it: with its id and version.</summary>
    public static Patient StoredChild()
    {
        var child = Child();
        child.Id = ChildId;
        child.Meta = new Meta { VersionId = "1", LastUpdated = LastUpdated, Profile = [SendCanonical.Profiles.Child] };
        return child;
    }

    /// <summary>An EHC plan (profile send-ehc-plan) with placement, personal budget and sections B, E and F.</summary>
    public static CarePlan EhcPlan() => new()
    {
        Meta = new Meta { Profile = [SendCanonical.Profiles.EhcPlan] },
        Extension =
        [
            new Extension(SendCanonical.Extensions.EhcPlacement, new ResourceReference("Organization/example-primary-school", "Example Primary School")),
            PersonalBudget(),
        ],
        Status = RequestStatus.Active,
        Intent = CarePlan.CarePlanIntent.Plan,
        Category = [new CodeableConcept(SendCanonical.CodeSystems.EhcPlanCategory, SendCanonical.Codes.EhcPlanCategory)],
        Title = "Education, health and care plan",
        Subject = new ResourceReference($"Patient/{ChildId}"),
        Period = new Period { Start = "2025-03-14" },
        Created = "2025-03-14",
        Author = new ResourceReference("Organization/norfolk-county-council", "Norfolk County Council"),
        Addresses = [Section(new ResourceReference("Condition/send-need-example"), "B")],
        Goal = [Section(new ResourceReference("Goal/send-outcome-example"), "E")],
        Activity = [SpeechAndLanguageTherapy()],
    };

    /// <summary>
    /// A transaction that registers a child with a need, an outcome and the EHC plan in one atomic step. Entries refer
    /// to each other by urn:uuid; the Patient entry is a conditional create on the NHS number, so re-sending is safe.
    /// </summary>
    public static Bundle Transaction()
    {
        var plan = EhcPlan();
        plan.Extension.Clear(); // placement and budget point at organisations outside this example
        plan.Author = null;
        plan.Subject = new ResourceReference(PatientUuid);
        plan.Addresses = [Section(new ResourceReference(NeedUuid), "B")];
        plan.Goal = [Section(new ResourceReference(OutcomeUuid), "E")];

        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = PatientUuid,
            Resource = Child(),
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Patient", IfNoneExist = NhsNumberCriteria },
        });
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = NeedUuid, Resource = Need(PatientUuid), Request = Post("Condition") });
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = OutcomeUuid, Resource = Outcome(PatientUuid), Request = Post("Goal") });
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = PlanUuid, Resource = plan, Request = Post("CarePlan") });
        return bundle;
    }

    /// <summary>What a transaction answers: one response per entry, in order.</summary>
    public static Bundle TransactionResponse()
    {
        var bundle = new Bundle { Type = Bundle.BundleType.TransactionResponse };
        foreach (var (type, id) in new[] { ("Patient", ChildId), ("Condition", "send-need-example"), ("Goal", "send-outcome-example"), ("CarePlan", "ehc-plan-example") })
        {
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                Response = new Bundle.ResponseComponent
                {
                    Status = "201 Created",
                    Location = $"{type}/{id}/_history/1",
                    Etag = "W/\"1\"",
                    LastModified = LastUpdated,
                },
            });
        }
        return bundle;
    }

    /// <summary>A search result page with the child as a match.</summary>
    public static Bundle Searchset() => new()
    {
        Type = Bundle.BundleType.Searchset,
        Total = 1,
        Link = [new Bundle.LinkComponent { Relation = "self", Url = $"{ExampleBase}/Patient?identifier={IdentifierSystems.NhsNumber}%7C{NhsNumber}" }],
        Entry = [new Bundle.EntryComponent { FullUrl = $"{ExampleBase}/Patient/{ChildId}", Resource = StoredChild(), Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match } }],
    };

    /// <summary>A history page: one version of the child.</summary>
    public static Bundle History() => new()
    {
        Type = Bundle.BundleType.History,
        Total = 1,
        Link = [new Bundle.LinkComponent { Relation = "self", Url = $"{ExampleBase}/Patient/{ChildId}/_history" }],
        Entry =
        [
            new Bundle.EntryComponent
            {
                FullUrl = $"{ExampleBase}/Patient/{ChildId}",
                Resource = StoredChild(),
                Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Patient" },
                Response = new Bundle.ResponseComponent { Status = "201 Created", Etag = "W/\"1\"" },
            },
        ],
    };

    /// <summary>A FHIRPath Patch (FHIR R4 3.2.0.5.2): adds a temporary address to the child.</summary>
    public static Parameters FhirPathPatch()
    {
        var operation = new Parameters.ParameterComponent { Name = "operation" };
        operation.Part.Add(new Parameters.ParameterComponent { Name = "type", Value = new Code("add") });
        operation.Part.Add(new Parameters.ParameterComponent { Name = "path", Value = new FhirString("Patient") });
        operation.Part.Add(new Parameters.ParameterComponent { Name = "name", Value = new FhirString("address") });
        operation.Part.Add(new Parameters.ParameterComponent
        {
            Name = "value",
            Value = new Address { Use = Address.AddressUse.Temp, Line = ["2 Example Close"], City = "Norwich", PostalCode = "NR2 2BB", Country = "GB" },
        });
        return new Parameters { Parameter = [operation] };
    }

    /// <summary>A JSON Patch (RFC 6902) that checks the version of the field and replaces the child's name.</summary>
    public static JsonNode JsonPatch() => new JsonArray
    {
        new JsonObject { ["op"] = "test", ["path"] = "/birthDate", ["value"] = "2014-09-03" },
        new JsonObject { ["op"] = "replace", ["path"] = "/name/0/given", ["value"] = new JsonArray("Amara") },
    };

    /// <summary>A $match request: the example child as another system holds it (given name misspelt, no identifiers).</summary>
    public static Parameters MatchRequest()
    {
        var child = Child();
        child.Identifier.Clear();
        child.Meta = null;
        child.Name[0].Given = ["Amra"];
        return new Parameters
        {
            Parameter =
            [
                new Parameters.ParameterComponent { Name = "resource", Resource = child },
                new Parameters.ParameterComponent { Name = "onlyCertainMatches", Value = new FhirBoolean(false) },
                new Parameters.ParameterComponent { Name = "count", Value = new Integer(5) },
            ],
        };
    }

    /// <summary>What $match answers for <see cref="MatchRequest"/>: the stored child, graded probable.</summary>
    public static Bundle MatchResult() => new()
    {
        Type = Bundle.BundleType.Searchset,
        Total = 1,
        Entry =
        [
            new Bundle.EntryComponent
            {
                FullUrl = $"{ExampleBase}/Patient/{ChildId}",
                Resource = StoredChild(),
                Search = new Bundle.SearchComponent
                {
                    Mode = Bundle.SearchEntryMode.Match,
                    Score = 0.9731m,
                    Extension = [new Extension("http://hl7.org/fhir/StructureDefinition/match-grade", new Code("probable"))],
                },
            },
        ],
    };

    /// <summary>The id of the duplicate record merged into the example child.</summary>
    public const string DuplicateId = "send-child-duplicate";

    /// <summary>A $merge request: the duplicate record (source) into the example child (target).</summary>
    public static Parameters MergeRequest() => new()
    {
        Parameter =
        [
            new Parameters.ParameterComponent { Name = "source-patient", Value = new ResourceReference($"Patient/{DuplicateId}") },
            new Parameters.ParameterComponent { Name = "target-patient", Value = new ResourceReference($"Patient/{ChildId}") },
            new Parameters.ParameterComponent { Name = "preview", Value = new FhirBoolean(false) },
        ],
    };

    /// <summary>What $merge answers: the input, an outcome and the target with its new replaces link.</summary>
    public static Parameters MergeResult()
    {
        var target = StoredChild();
        target.Link.Add(new Patient.LinkComponent { Other = new ResourceReference($"Patient/{DuplicateId}"), Type = Patient.LinkType.Replaces });
        return new Parameters
        {
            Parameter =
            [
                new Parameters.ParameterComponent { Name = "input", Resource = MergeRequest() },
                new Parameters.ParameterComponent { Name = "outcome", Resource = Outcome(OperationOutcome.IssueSeverity.Information, OperationOutcome.IssueType.Informational,
                    $"Patient/{DuplicateId} was merged into Patient/{ChildId}.") },
                new Parameters.ParameterComponent { Name = "result", Resource = target },
            ],
        };
    }

    /// <summary>A Task/{id}/$resolve request: the same child.</summary>
    public static Parameters ResolveRequest() => new()
    {
        Parameter = [new Parameters.ParameterComponent { Name = "decision", Value = new Code("link") }],
    };

    /// <summary>An identity review Task once resolved as the same child.</summary>
    public static Hl7.Fhir.Model.Task ResolvedReview()
    {
        var task = Identity.IdentityReviewTasks.Create(DuplicateId, ChildId, "la-926",
            new Identity.LinkExplanation(0.93, 3.8, "Review", -14.2,
                [new("given_name", "exact", 5.1), new("family_name", "exact", 6.2), new("date_of_birth", "exact", 7.9), new("postcode", "sector", 2.4)],
                ["household_guard (CapAtReview)"]),
            new DateTimeOffset(2025, 1, 10, 9, 0, 0, TimeSpan.Zero));
        task.Id = "identity-review-example";
        Identity.IdentityReviewTasks.Resolve(task, Identity.IdentityReviewTasks.Link, new DateTimeOffset(2025, 1, 11, 14, 30, 0, TimeSpan.Zero), "la-926-cms");
        task.Meta!.VersionId = "2";
        task.Meta.LastUpdated = new DateTimeOffset(2025, 1, 11, 14, 30, 0, TimeSpan.Zero);
        return task;
    }

    /// <summary>A Patient/{id}/$everything request: plans and outcomes updated since the start of 2025.</summary>
    public static Parameters EverythingRequest() => new()
    {
        Parameter =
        [
            new Parameters.ParameterComponent { Name = "_since", Value = new Instant(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero)) },
            new Parameters.ParameterComponent { Name = "_type", Value = new FhirString("CarePlan,Goal") },
            new Parameters.ParameterComponent { Name = "_count", Value = new Integer(50) },
        ],
    };

    /// <summary>A bulk $export request: two children's plans, outcomes and needs updated since the start of 2026.</summary>
    public static Parameters ExportRequest() => new()
    {
        Parameter =
        [
            new Parameters.ParameterComponent { Name = "_type", Value = new FhirString("CarePlan,Goal,Condition") },
            new Parameters.ParameterComponent { Name = "_since", Value = new Instant(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)) },
            new Parameters.ParameterComponent { Name = "patient", Value = new ResourceReference("Patient/" + ChildId) },
            new Parameters.ParameterComponent { Name = "patient", Value = new ResourceReference("Patient/7b0f3c2e-6d1a-4f8e-9c55-2a1e0d9b8c7f") },
        ],
    };

    /// <summary>A $evaluate-measure request: the SEN2 2025 summary for one LA.</summary>
    public static Parameters EvaluateMeasureRequest() => new()
    {
        Parameter =
        [
            new Parameters.ParameterComponent { Name = "sen2Year", Value = new Integer(2025) },
            new Parameters.ParameterComponent { Name = "subject", Value = new FhirString("Organization/la-926") },
            new Parameters.ParameterComponent { Name = "reportType", Value = new Code("summary") },
        ],
    };

    public static MeasureReport MeasureReportSummary()
    {
        var indicator = Domain.Indicators.IndicatorCatalogue.PlansInPlace;
        var subject = Domain.Indicators.ReportSubject.LocalAuthority("926", "Norfolk");
        var period = Domain.Indicators.ReportingPeriod.Sen2Year(2025);
        var total = new Domain.Indicators.PopulationResult(new Dictionary<Domain.Indicators.PopulationKind, int> { [Domain.Indicators.PopulationKind.InitialPopulation] = 9123 }, null);
        var computed = new DateTimeOffset(2025, 3, 3, 9, 30, 0, TimeSpan.Zero);
        var report = Domain.Indicators.SmallNumberSuppression.Apply(Domain.Indicators.IndicatorEvaluator.ToMeasureReport(
            new Domain.Indicators.IndicatorResult(indicator, period, subject, total, []), computed));
        Indicators.IndicatorReportExtensions.AddFreshness(report, computed, computed.AddSeconds(-40), computed.AddSeconds(-2), computed.AddHours(-9));
        return report;
    }

    public static OperationOutcome ValidationPassed() => Outcome(OperationOutcome.IssueSeverity.Information, OperationOutcome.IssueType.Informational,
        "Validation found no issues against " + SendCanonical.Profiles.Child + ".");

    /// <summary>An error OperationOutcome as every error response of the gateway carries it.</summary>
    public static OperationOutcome Error(OperationOutcome.IssueType code, string diagnostics) =>
        Outcome(OperationOutcome.IssueSeverity.Error, code, diagnostics);

    /// <summary>A resource as FHIR JSON, as a <see cref="JsonNode"/> for an OpenAPI example.</summary>
    public static JsonNode ToJson(Resource resource) => JsonNode.Parse(Json.SerializeToString(resource))!;

    /// <summary>A resource as indented FHIR XML, as a JSON string for an OpenAPI example of an XML media type.</summary>
    public static JsonNode ToXml(Resource resource) => JsonValue.Create(XDocument.Parse(Xml.SerializeToString(resource)).ToString());

    private static OperationOutcome Outcome(OperationOutcome.IssueSeverity severity, OperationOutcome.IssueType code, string diagnostics) => new()
    {
        Issue = [new OperationOutcome.IssueComponent { Severity = severity, Code = code, Diagnostics = diagnostics }],
    };

    private static Condition Need(string subject) => new()
    {
        Meta = new Meta { Profile = [SendCanonical.Profiles.Need] },
        Extension = [new Extension(SendCanonical.Extensions.SenNeedRank, new PositiveInt(1))],
        ClinicalStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-clinical", "active"),
        Category = [new CodeableConcept(SendCanonical.CodeSystems.Sen2NeedType, "SLCN", "Speech, language and communication needs")],
        Code = new CodeableConcept(SendCanonical.CodeSystems.Sen2NeedType, "SLCN", "Speech, language and communication needs"),
        Subject = new ResourceReference(subject),
    };

    private static Goal Outcome(string subject) => new()
    {
        Meta = new Meta { Profile = [SendCanonical.Profiles.Outcome] },
        LifecycleStatus = Goal.GoalLifecycleStatus.Active,
        Category = [new CodeableConcept(SendCanonical.CodeSystems.PfaDomain, "community-inclusion", "Participating in society")],
        Description = new CodeableConcept { Text = "By the end of Key Stage 2, Amara will start and keep up a conversation with a familiar adult." },
        Subject = new ResourceReference(subject),
        Target = [new Goal.TargetComponent { Due = new Date("2026-07-22") }],
    };

    private static Extension PersonalBudget() => new()
    {
        Url = SendCanonical.Extensions.EhcPersonalBudget,
        Extension =
        [
            new Extension("amount", new Money { Value = 2400m, Currency = Money.Currencies.GBP }),
            new Extension("period", new Period { Start = "2025-04-01", End = "2026-03-31" }),
            new Extension("directPayment", new FhirBoolean(true)),
        ],
    };

    private static CarePlan.ActivityComponent SpeechAndLanguageTherapy() => new()
    {
        Extension = [new Extension(SendCanonical.Extensions.EhcPlanSection, new Code("F"))],
        Detail = new CarePlan.DetailComponent
        {
            Status = CarePlan.CarePlanActivityStatus.InProgress,
            Description = "Speech and language therapy: 30 minutes a week in school, delivered by a speech and language therapist.",
        },
    };

    private static ResourceReference Section(ResourceReference reference, string section)
    {
        reference.Extension.Add(new Extension(SendCanonical.Extensions.EhcPlanSection, new Code(section)));
        return reference;
    }

    private static Bundle.RequestComponent Post(string type) => new() { Method = Bundle.HTTPVerb.POST, Url = type };
}
