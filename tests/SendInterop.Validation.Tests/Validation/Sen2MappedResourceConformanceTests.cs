using System.Diagnostics;
using System.Globalization;
using System.Text;
using Hl7.Fhir.Model;
using SendInterop.Domain.Access.Gate;
using SendInterop.Domain.Identifiers;
using SendInterop.Domain.Profiles;
using SendInterop.Domain.Sen2;
using SendInterop.Gateway.Fhir.Interactions;
using SendInterop.Gateway.Sen2;
using L = SendInterop.Domain.Sen2.Sen2CodeLists;
using Task = System.Threading.Tasks.Task;

namespace SendInterop.Validation.Tests.Validation;

/// <summary>
/// The evidence behind <c>Sen2:ValidateMappedResources=false</c> (Sen2BatchImporter): every resource
/// <see cref="Sen2ToFhirMapper"/> makes passes the gateway's profile validator, for every code of every SEN2 code list the
/// mapper writes and for the edge shapes of a record (identifiers, undated requests, several placements and needs, reviews,
/// ceased plans, optional items absent). The persons are generated from <see cref="Sen2CodeLists"/>, so a new code is
/// generated and validated without touching this file, and a guard fails when a code reaches no mapped resource.
/// </summary>
/// <remarks>
/// Every person goes through <see cref="Sen2ReturnWriter"/> and <see cref="Sen2ReturnReader"/> first, so only records the
/// reader accepts (what the import maps) are mapped. Every person is fictitious: LA 926, dummy URNs, UKPRNs and postcodes;
/// UPNs and ULNs are generated with valid check characters.
/// </remarks>
public class Sen2MappedResourceConformanceTests(SendValidatorFixture fixture, ITestOutputHelper output) : IClassFixture<SendValidatorFixture>
{
    private static readonly LaCode La = LaCode.Parse("926");

    /// <summary>DMO and DCO sit in the return's header, which the mapper never sees; every other list is a person's.</summary>
    private static readonly HashSet<Sen2CodeList> HeaderOnlyLists = [L.DesignatedOfficer];

    /// <summary>A year that accepts every code (a code introduced for a later year is still generated, not silently refused).</summary>
    private static readonly int CollectionYear = Math.Max(2026, L.All.SelectMany(l => l.Entries).Max(e => e.FirstYear));

    /// <summary>The types the SEND profiles constrain: the mapper must claim the profile, or validation holds them to base R4 only.</summary>
    private static readonly Dictionary<string, string> SendProfileOfType = new(StringComparer.Ordinal)
    {
        ["Patient"] = SendCanonical.Profiles.Child,
        ["CarePlan"] = SendCanonical.Profiles.EhcPlan,
        ["Condition"] = SendCanonical.Profiles.Need,
    };

    private static readonly Lazy<IReadOnlyList<MappedResource>> Mapped = new(MapAllCases);

    private static IEnumerable<Sen2CodeList> MappedLists => L.All.Where(l => !HeaderOnlyLists.Contains(l));

    [Fact]
    public async Task Every_resource_mapped_from_every_sen2_code_passes_the_gateways_profile_validator()
    {
        var stopwatch = Stopwatch.StartNew();
        var validator = fixture.Validator;
        var results = await Task.WhenAll(Mapped.Value.Select(async m => (Mapped: m, Outcome: await validator.ValidateAsync(m.Resource))));

        var failures = results
            .Select(r => (r.Mapped, Issues: r.Outcome.Issue.Where(IsFailure).ToList()))
            .Where(r => r.Issues.Count > 0)
            .Select(r => Describe(r.Mapped, r.Issues))
            .ToList();

        ReportWarnings(results.SelectMany(r => r.Outcome.Issue.Where(i => i.Severity == OperationOutcome.IssueSeverity.Warning)));
        var onWrite = Mapped.Value.Count(m => validator.ShouldValidate(m.Resource));
        output.WriteLine($"{results.Length} resources of {Mapped.Value.Select(m => m.Case).Distinct().Count()} persons validated in {stopwatch.ElapsedMilliseconds} ms: "
            + string.Join(", ", Mapped.Value.GroupBy(m => m.Resource.TypeName).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}"))
            + $"; {onWrite} of a type the gateway validates on write, the rest against base R4");
        Assert.True(failures.Count == 0,
            $"{failures.Count} of {results.Length} mapped resources do not conform:" + Environment.NewLine + string.Join(Environment.NewLine, failures.Take(40)));
    }

    [Fact]
    public void Every_code_of_every_mapped_code_list_reaches_a_mapped_resource()
    {
        // The proof above is only as good as its inputs: if a list grows, or the generator or the mapper drops an item, the
        // validator never sees that code and would pass vacuously.
        var expected = MappedLists.SelectMany(l => l.Entries.Select(e => Key(l, e.Code))).ToHashSet(StringComparer.Ordinal);
        var seen = Mapped.Value.SelectMany(m => Sen2Codes(m.Resource)).Select(c => Key(c.List, c.Code)).ToHashSet(StringComparer.Ordinal);

        var missing = expected.Except(seen).Order(StringComparer.Ordinal).ToList();
        var unexpected = seen.Except(expected).Order(StringComparer.Ordinal).ToList();
        output.WriteLine($"{seen.Count} of {expected.Count} codes of {MappedLists.Count()} code lists seen in mapped resources "
            + $"({string.Join(", ", MappedLists.Select(l => $"{l.Name} {l.Entries.Count}"))}); header-only lists not mapped: "
            + string.Join(", ", HeaderOnlyLists.Select(l => l.Name)));
        Assert.True(missing.Count == 0 && unexpected.Count == 0,
            $"codes in no mapped resource: [{string.Join(", ", missing)}]; codes seen but on no mapped list: [{string.Join(", ", unexpected)}]"
            + " (a new list needs a CodeSlot here, or a place in HeaderOnlyLists if no person carries it)");
    }

    [Fact]
    public void Every_mapped_resource_of_a_send_profiled_type_claims_its_send_profile()
    {
        // A resource that claims no SEND profile is validated against base R4 only, so the first test would prove nothing
        // about the SEND profile for it.
        var unclaimed = Mapped.Value
            .Where(m => SendProfileOfType.TryGetValue(m.Resource.TypeName, out var profile) && m.Resource.Meta?.Profile.Contains(profile) != true)
            .Select(m => $"{m.Resource.TypeName} in '{m.Case}' claims [{string.Join(", ", m.Resource.Meta?.Profile ?? [])}]")
            .ToList();
        Assert.True(unclaimed.Count == 0, string.Join(Environment.NewLine, unclaimed.Take(20)));
        Assert.All(SendProfileOfType.Keys, type => Assert.Contains(Mapped.Value, m => m.Resource.TypeName == type));
    }

    // ---- cases ---------------------------------------------------------------------------------------------------

    /// <summary>A resource as the import would store it, with the case it came from.</summary>
    private sealed record MappedResource(string Case, Resource Resource);

    /// <summary>One person to map and what it shows.</summary>
    private sealed record Sen2Case(string Name, Sen2Person Person);

    /// <summary>
    /// One place in a record a code of <paramref name="List"/> can take. <paramref name="Put"/> puts the code into a full
    /// record; each code is generated in each of its places, since a code can be conformant in one element and not another.
    /// </summary>
    private sealed record CodeSlot(Sen2CodeList List, string Where, Func<Sen2Person, Sen2Code, Sen2Person> Put);

    private static IEnumerable<CodeSlot> CodeSlots() =>
    [
        new(L.Sex, "Sex", (p, c) => p with { Sex = c }),
        new(L.Ethnicity, "Ethnicity", (p, c) => p with { Ethnicity = c }),
        new(L.UpnUnknown, "UPNunknown (no UPN or ULN)", (p, c) => p with { Upn = null, Uln = null, UpnUnknown = c }),
        new(L.RequestSource, "RequestSource", Request((r, c) => r with { Source = c })),
        // The request's status depends on its outcome and on the assessment's, so each outcome goes both with and without one.
        new(L.RequestOutcome, "RequestOutcome, assessed", Request((r, c) => r with { Outcome = c })),
        new(L.RequestOutcome, "RequestOutcome, not assessed", Request((r, c) => r with { Outcome = c, Assessment = null, ActivePlan = null })),
        new(L.AssessmentOutcome, "AssessmentOutcome, plan named", Request((r, c) => r with { Assessment = r.Assessment! with { Outcome = c } })),
        new(L.AssessmentOutcome, "AssessmentOutcome, no plan", Request((r, c) => r with { Assessment = r.Assessment! with { Outcome = c, NamedPlan = null }, ActivePlan = null })),
        // The plan's status depends on the cease reason.
        new(L.CeaseReason, "CeaseReason (plan ceased)", NamedPlan((n, c) => n with { CeaseDate = new(2025, 11, 30), CeaseReason = c })),
        new(L.SenSetting, "SENsetting in PlanDetail", NamedPlan((n, c) => n with { Settings = [n.Settings[0] with { Setting = CodedSetting(c) }, .. n.Settings.Skip(1)] })),
        new(L.SenSetting, "SENsetting in PlacementDetail", ActivePlan((a, c) => a with { Placements = [a.Placements[0] with { Setting = CodedSetting(c) }, .. a.Placements.Skip(1)] })),
        new(L.ReviewOutcome, "ReviewOutcome", ActivePlan((a, c) => a with { ReviewOutcome = c })),
        new(L.Residential, "PlanRes", NamedPlan((n, c) => n with { Residential = c })),
        new(L.Residential, "RES in PlacementDetail", ActivePlan((a, c) => a with { Placements = [a.Placements[0] with { Residential = c }, .. a.Placements.Skip(1)] })),
        new(L.WorkBasedLearning, "PlanWBP", NamedPlan((n, c) => n with { WorkBasedLearning = c })),
        new(L.WorkBasedLearning, "WBP in PlacementDetail", ActivePlan((a, c) => a with { Placements = [a.Placements[0] with { WorkBasedLearning = c }, .. a.Placements.Skip(1)] })),
        new(L.DirectPayments, "DP", NamedPlan((n, c) => n with { DirectPayments = c })),
        new(L.SenType, "SENtype, primary need", ActivePlan((a, c) => a with { Needs = [new Sen2Need(c, 1), .. a.Needs.Where(n => n.Rank != 1)] })),
    ];

    /// <summary>Shapes of a record the code slots do not reach, each on an otherwise full record.</summary>
    private static IEnumerable<(string Name, Func<Sen2Person, Sen2Person> Shape)> EdgeShapes() =>
    [
        ("UPN only", p => p),
        ("ULN only", p => p with { Upn = null, Uln = UlnFor(p) }),
        ("UPN and ULN", p => p with { Uln = UlnFor(p) }),
        ("no UPN or ULN: LA child id derived as the import does", p => p with { Upn = null, UpnUnknown = L.UpnUnknown["UN2"] }),
        ("two undated (historical) requests and a dated one awaiting its decision", p => p with { Requests = [HistoricalRequest(), HistoricalWithdrawnRequest(), AwaitingDecision()] }),
        ("a plan with several placements over time and four needs", Request(r => r with { ActivePlan = BusyActivePlan() })),
        ("a review with only its decision date (no meeting)", ActivePlan(a => a with { ReviewMeeting = null, ReviewOutcome = null, LastReview = new(2025, 12, 10) })),
        ("a review with a draft amended plan and a phase transfer", ActivePlan(a => a with { ReviewDraft = new(2025, 12, 5), PhaseTransferDueDate = new(2026, 2, 15), PhaseTransferFinalDate = new(2026, 2, 13) })),
        ("no review", ActivePlan(a => a with { ReviewMeeting = null, ReviewOutcome = null, LastReview = null })),
        ("a ceased plan with its active plan", NamedPlan(n => n with { CeaseDate = new(2025, 12, 31), CeaseReason = L.CeaseReason["5"] })),
        ("a named plan with no active plan", Request(r => r with { ActivePlan = null })),
        ("an active plan with no named plan, transferred in", Request(r => r with { Outcome = L.RequestOutcome["H"], ReceivedDate = null, OutcomeDate = null, Assessment = null, ActivePlan = r.ActivePlan! with { TransferredInFrom = LaCode.Parse("935") } })),
        ("a named plan with no settings and no budget", NamedPlan(n => n with { Settings = [], PersonalBudget = null, OrganisedArrangements = null, DirectPayments = null })),
        ("an active plan with no placements or needs but a review", ActivePlan(a => a with { Placements = [], Needs = [] })),
        ("a request exported to another LA before its assessment was withdrawn", Request(r => r with { ExportedTo = LaCode.Parse("881"), Assessment = new Sen2Assessment { Outcome = L.AssessmentOutcome["W"], OutcomeDate = new(2025, 5, 30) }, ActivePlan = null })),
        ("every optional item of the request absent", p => p with { Requests = [new Sen2Request { Outcome = L.RequestOutcome["A"] }] }),
    ];

    private static IEnumerable<Sen2Case> Cases()
    {
        var n = 0;
        foreach (var slot in CodeSlots())
            foreach (var entry in slot.List.Entries)
                yield return new($"{slot.Where} = {entry.Code}", slot.Put(FullRecord(++n), slot.List[entry.Code]));
        foreach (var (name, shape) in EdgeShapes())
            yield return new(name, shape(FullRecord(++n)));
    }

    /// <summary>
    /// Every case written to a return and read back (only what the reader accepts is imported), mapped as the import maps it,
    /// and made what the import stores.
    /// </summary>
    private static IReadOnlyList<MappedResource> MapAllCases()
    {
        var cases = Cases().ToList();
        var header = Sen2Header.ForReturn(La, CollectionYear, new DateOnly(CollectionYear, 1, 15));
        var read = Sen2ReturnReader.ReadAll(new MemoryStream(Encoding.UTF8.GetBytes(Sen2ReturnWriter.WriteToString(header, cases.Select(c => c.Person)))));
        Assert.True(read.IsFullyValid, "the reader refuses generated persons: " + string.Join("; ",
            read.FileErrors.Concat(read.Records.SelectMany(r => r.Errors)).Take(20)));

        // The writer sorts persons; forenames are unique, so they pair each read person with its case.
        var nameOf = cases.ToDictionary(c => c.Person.Forename, c => c.Name, StringComparer.Ordinal);
        var mapped = new List<MappedResource>();
        foreach (var person in read.Records.Select(r => r.Person!))
        {
            // As Sen2LaChildIds does for a child with no UPN or ULN and no record yet at the LA.
            var laChildId = person.Upn is null && person.Uln is null ? Sen2LaChildIds.Derive(person, La) : (LaChildId?)null;
            Assert.True(Sen2ToFhirMapper.TryMap(person, La, laChildId, out var transaction, out var problem), problem);
            mapped.AddRange(AsStored(transaction).Select(r => new MappedResource(nameOf[person.Forename], r)));
        }

        return mapped;
    }

    /// <summary>
    /// The resources as the import validates them when asked (Sen2RecordPlan, ResourcePreparer): references inside the
    /// transaction rewritten to <c>Type/id</c>, the id set, the LA's owner tag added.
    /// </summary>
    private static IEnumerable<Resource> AsStored(Bundle transaction)
    {
        var references = transaction.Entry.ToDictionary(e => e.FullUrl!, e => $"{e.Resource!.TypeName}/{ResourcePreparer.NewId()}", StringComparer.Ordinal);
        foreach (var entry in transaction.Entry)
        {
            var resource = entry.Resource!;
            Sen2ContentComparer.Rewrite(resource, references);
            resource.Id = references[entry.FullUrl!].Split('/')[1];
            OwnershipTags.SetOwner(resource, "la-" + La.Value);
            yield return resource;
        }
    }

    // ---- records ---------------------------------------------------------------------------------------------------

    /// <summary>A record with every module and most optional items filled: an issued plan, two settings, placements, needs, a review.</summary>
    private static Sen2Person FullRecord(int n) => new()
    {
        Surname = "Example",
        Forename = "Case" + n.ToString("D3", CultureInfo.InvariantCulture),
        BirthDate = new(2012, 3, 14),
        Sex = L.Sex["F"],
        Ethnicity = L.Ethnicity["WBRI"],
        PostCode = "ZZ99 1ZZ",
        Upn = Upn.Create(La, 2100, 21, n),
        Requests =
        [
            new Sen2Request
            {
                ReceivedDate = new(2025, 2, 3),
                Source = L.RequestSource["2"],
                WhilstInRya = false,
                OutcomeDate = new(2025, 3, 14),
                Outcome = L.RequestOutcome["Y"],
                Mediation = false,
                Tribunal = true,
                Assessment = new Sen2Assessment
                {
                    Outcome = L.AssessmentOutcome["Y"],
                    OutcomeDate = new(2025, 7, 14),
                    Mediation = false,
                    Tribunal = false,
                    OtherMediation = true,
                    OtherTribunal = false,
                    Week20ExceptionsApply = true,
                    NamedPlan = new Sen2NamedPlan
                    {
                        StartDate = new(2025, 7, 14),
                        Settings =
                        [
                            new Sen2PlanDetail { Setting = School(100001), Rank = 1, SenUnit = false, ResourcedProvision = true },
                            new Sen2PlanDetail { Setting = Provider(10001234), Rank = 2, SenUnit = true, ResourcedProvision = false },
                        ],
                        PersonalBudget = true,
                        OrganisedArrangements = false,
                        DirectPayments = L.DirectPayments["E"],
                    },
                },
                ActivePlan = new Sen2ActivePlan
                {
                    Placements =
                    [
                        new Sen2Placement { Setting = School(100001), Rank = 1, EntryDate = new(2025, 9, 3), SenUnit = false, ResourcedProvision = true },
                        new Sen2Placement { Setting = Provider(10001234), Rank = 2, EntryDate = new(2025, 9, 3), SenUnit = true, ResourcedProvision = false },
                    ],
                    Needs = [new Sen2Need(L.SenType["ASD"], 1), new Sen2Need(L.SenType["SLCN"], 2)],
                    ReviewMeeting = new(2025, 12, 1),
                    ReviewOutcome = L.ReviewOutcome["M"],
                    LastReview = new(2025, 12, 10),
                },
            },
        ],
    };

    /// <summary>A plan from years ago: no received date, historical outcomes, a changed placement.</summary>
    private static Sen2Request HistoricalRequest() => new()
    {
        Outcome = L.RequestOutcome["H"],
        Assessment = new Sen2Assessment
        {
            Outcome = L.AssessmentOutcome["H"],
            NamedPlan = new Sen2NamedPlan
            {
                StartDate = new(2019, 3, 1),
                Settings = [new Sen2PlanDetail { Setting = Provider(10001234), Rank = 1, SenUnit = false, ResourcedProvision = false }],
                PersonalBudget = false,
            },
        },
        ActivePlan = new Sen2ActivePlan
        {
            Placements =
            [
                new Sen2Placement { Setting = School(100003), Rank = 1, EntryDate = new(2020, 9, 1), LeavingDate = new(2025, 7, 18), SenUnit = true, ResourcedProvision = false },
                new Sen2Placement { Setting = Provider(10001234), Rank = 1, EntryDate = new(2025, 9, 4), SenUnit = false, ResourcedProvision = false },
            ],
            Needs = [new Sen2Need(L.SenType["SEMH"], 1)],
        },
    };

    /// <summary>A second undated request, so two undated requests are keyed apart (n1, n2).</summary>
    private static Sen2Request HistoricalWithdrawnRequest() => new()
    {
        Outcome = L.RequestOutcome["H"],
        Assessment = new Sen2Assessment { Outcome = L.AssessmentOutcome["W"] },
    };

    private static Sen2Request AwaitingDecision() => new() { ReceivedDate = new(2025, 10, 1), Source = L.RequestSource["1"], Outcome = L.RequestOutcome["A"] };

    /// <summary>Placements over time (left, current, dual, an arrangement with no setting) and four ranked needs.</summary>
    private static Sen2ActivePlan BusyActivePlan() => new()
    {
        Placements =
        [
            new Sen2Placement { Setting = School(100001), Rank = 1, EntryDate = new(2025, 7, 20), LeavingDate = new(2025, 8, 31), SenUnit = false, ResourcedProvision = false },
            new Sen2Placement { Setting = Provider(10001234), Rank = 1, EntryDate = new(2025, 9, 4), SenUnit = false, ResourcedProvision = true, Residential = L.Residential["A"], WorkBasedLearning = L.WorkBasedLearning["S"] },
            new Sen2Placement { Setting = School(100002), Rank = 2, EntryDate = new(2025, 9, 4), SenUnit = true, ResourcedProvision = false },
            new Sen2Placement { Setting = CodedSetting(L.SenSetting["OLA"]), Rank = 2, EntryDate = new(2025, 7, 20), LeavingDate = new(2025, 9, 3), SenUnit = false, ResourcedProvision = false },
        ],
        Needs = [new Sen2Need(L.SenType["SEMH"], 1), new Sen2Need(L.SenType["SLCN"], 2), new Sen2Need(L.SenType["SPLD"], 3), new Sen2Need(L.SenType["VI"], 4)],
        ReviewMeeting = new(2025, 12, 1),
        ReviewOutcome = L.ReviewOutcome["A"],
        LastReview = new(2025, 12, 10),
    };

    private static Sen2Setting School(int urn) => new() { Urn = SchoolUrn.Parse(urn.ToString(CultureInfo.InvariantCulture)) };

    private static Sen2Setting Provider(int ukprn) => new() { Ukprn = Ukprn.Parse(ukprn.ToString(CultureInfo.InvariantCulture)) };

    /// <summary>A setting with no URN or UKPRN, which is where SENsetting (and its free text) is used.</summary>
    private static Sen2Setting CodedSetting(Sen2Code code) => new() { SenSetting = code, SenSettingOther = "Arrangement described by the LA" };

    /// <summary>A ULN with a valid check digit, unique to the person (nine-digit prefixes whose check digit does not exist are skipped).</summary>
    private static Uln UlnFor(Sen2Person person)
    {
        var n = int.Parse(person.Forename.AsSpan(4), CultureInfo.InvariantCulture);
        return Enumerable.Range(0, 11).Select(k => Uln.FromFirstNineDigits((555_000_000 + n * 11 + k).ToString(CultureInfo.InvariantCulture)))
            .First(u => u is not null)!.Value;
    }

    private static Func<Sen2Person, Sen2Code, Sen2Person> Request(Func<Sen2Request, Sen2Code, Sen2Request> change) =>
        (p, c) => p with { Requests = [change(p.Requests[0], c)] };

    private static Func<Sen2Person, Sen2Code, Sen2Person> NamedPlan(Func<Sen2NamedPlan, Sen2Code, Sen2NamedPlan> change) =>
        Request((r, c) => r with { Assessment = r.Assessment! with { NamedPlan = change(r.Assessment.NamedPlan!, c) } });

    private static Func<Sen2Person, Sen2Code, Sen2Person> ActivePlan(Func<Sen2ActivePlan, Sen2Code, Sen2ActivePlan> change) =>
        Request((r, c) => r with { ActivePlan = change(r.ActivePlan!, c) });

    private static Func<Sen2Person, Sen2Person> Request(Func<Sen2Request, Sen2Request> change) => p => Request((r, _) => change(r))(p, default);

    private static Func<Sen2Person, Sen2Person> NamedPlan(Func<Sen2NamedPlan, Sen2NamedPlan> change) => p => NamedPlan((n, _) => change(n))(p, default);

    private static Func<Sen2Person, Sen2Person> ActivePlan(Func<Sen2ActivePlan, Sen2ActivePlan> change) => p => ActivePlan((a, _) => change(a))(p, default);

    // ---- codes and issues ------------------------------------------------------------------------------------------

    /// <summary>The SEN2 codes a mapped resource carries: Codings on a list's system, and Patient.gender for Sex.</summary>
    private static IEnumerable<(Sen2CodeList List, string Code)> Sen2Codes(Resource resource)
    {
        foreach (var coding in Codings(resource))
            foreach (var list in MappedLists.Where(l => l.FhirSystem is not null && l.FhirSystem == coding.System))
                yield return (list, coding.Code ?? "");

        // Sex has no code system: the mapper writes it as Patient.gender. Only the genders a Sex code means count, so a new
        // Sex code the mapper folds into 'unknown' is not mistaken for covered.
        if (resource is Patient { Gender: { } gender } && SexCodeOf(gender) is { } sex) yield return (L.Sex, sex);
    }

    private static string? SexCodeOf(AdministrativeGender gender) => gender switch
    {
        AdministrativeGender.Male => "M",
        AdministrativeGender.Female => "F",
        AdministrativeGender.Unknown => "U",
        _ => null,
    };

    private static IEnumerable<Coding> Codings(Base root)
    {
        var stack = new Stack<Base>([root]);
        while (stack.TryPop(out var node))
        {
            if (node is Coding coding) yield return coding;
            foreach (var (_, value) in node.EnumerateElements())
            {
                switch (value)
                {
                    case PrimitiveType: break;
                    case Base child: stack.Push(child); break;
                    case System.Collections.IEnumerable items:
                        foreach (var item in items)
                            if (item is Base element and not PrimitiveType) stack.Push(element);
                        break;
                }
            }
        }
    }

    private static string Key(Sen2CodeList list, string code) => $"{list.Name}={code}";

    /// <summary>
    /// Errors and fatals fail, and so does a profile the validator does not know: it is only a warning for the gateway, but
    /// it means the resource escaped the profile it claims.
    /// </summary>
    private static bool IsFailure(OperationOutcome.IssueComponent issue) =>
        issue.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal
        || (issue.Code == OperationOutcome.IssueType.NotSupported && issue.Diagnostics?.Contains("is not known to this server", StringComparison.Ordinal) == true);

    private static string Describe(MappedResource mapped, IEnumerable<OperationOutcome.IssueComponent> issues) =>
        $"{mapped.Resource.TypeName} from '{mapped.Case}' [{string.Join(", ", Sen2Codes(mapped.Resource).Select(c => Key(c.List, c.Code)).Distinct())}]: "
        + string.Join(" | ", issues.Select(i => $"{i.Severity} at {string.Join(",", i.Expression)}: {i.Details?.Text ?? i.Diagnostics}"));

    /// <summary>Warnings do not fail the import, but say what the validator could not check (extensions with no definition).</summary>
    private void ReportWarnings(IEnumerable<OperationOutcome.IssueComponent> warnings)
    {
        foreach (var group in warnings.GroupBy(w => w.Details?.Text ?? w.Diagnostics ?? "").OrderByDescending(g => g.Count()).Take(30))
            output.WriteLine($"warning x{group.Count()}: {group.Key}");
    }
}
