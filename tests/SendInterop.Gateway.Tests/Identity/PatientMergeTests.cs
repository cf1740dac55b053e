using System.Net;
using Hl7.Fhir.Serialization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SendInterop.Domain.Audit;
using SendInterop.Gateway.Identity;
using SendInterop.Gateway.Tests.Infrastructure;
using SendInterop.Storage.Audit;
using SendInterop.Storage.Identity;
using static SendInterop.Gateway.Tests.Infrastructure.FhirHttp;

namespace SendInterop.Gateway.Tests.Identity;

/// <summary>
/// <c>Patient/$merge</c> and <c>Patient/$unmerge</c>: Patient.link both ways, the master identity moved and restored,
/// a round trip that gives back the same records apart from meta, audit, scopes, the consent gate and bad input.
/// </summary>
[Collection("sqlite")]
public sealed class PatientMergeTests(MasterIndexGateway gateway) : IClassFixture<MasterIndexGateway>
{
    private readonly HttpClient _fhir = gateway.Fhir();
    private MasterIndexStore Links => gateway.Services.GetRequiredService<MasterIndexStore>();

    private async Task<(string Source, string Target)> TwoChildrenAsync(HttpClient? sourceClient = null)
    {
        var source = await (sourceClient ?? _fhir).CreateAsync("Patient", Children.Patient("Oscar", Children.Family(), Children.BirthDate(), "male", Children.Postcode()).ToJsonString());
        var target = await _fhir.CreateAsync("Patient", Children.Patient("Arthur", Children.Family(), Children.BirthDate(), "male", Children.Postcode(), nhs: Build.NhsNumber()).ToJsonString());
        return (source, target);
    }

    private static string Pair(string? source, string? target, bool? preview = null)
    {
        var parameter = new JsonArray();
        if (source is not null) parameter.Add(new JsonObject { ["name"] = "source-patient", ["valueReference"] = new JsonObject { ["reference"] = $"Patient/{source}" } });
        if (target is not null) parameter.Add(new JsonObject { ["name"] = "target-patient", ["valueReference"] = new JsonObject { ["reference"] = $"Patient/{target}" } });
        if (preview is not null) parameter.Add(new JsonObject { ["name"] = "preview", ["valueBoolean"] = preview });
        return new JsonObject { ["resourceType"] = "Parameters", ["parameter"] = parameter }.ToJsonString();
    }

    private async Task<JsonNode> ReadAsync(string id) => await (await _fhir.GetAsync($"Patient/{id}")).JsonAsync();

    private static string WithoutMeta(JsonNode resource)
    {
        var copy = resource.DeepClone().AsObject();
        copy.Remove("meta");
        return copy.ToJsonString();
    }

    [Fact]
    public async Task Merge_then_unmerge_restores_both_records_and_the_master_exactly()
    {
        var (source, target) = await TwoChildrenAsync();
        var sourceBefore = await ReadAsync(source);
        var targetBefore = await ReadAsync(target);
        var sourceLinkBefore = await Links.GetAsync(source);
        var targetMaster = (await Links.GetAsync(target))!.MasterId;
        Assert.NotEqual(sourceLinkBefore!.MasterId, targetMaster);

        var (status, output) = await _fhir.PostAsync("Patient/$merge", Pair(source, target));
        Assert.True(status == HttpStatusCode.OK, output.ToJsonString());
        Assert.Equal("Parameters", output["resourceType"]!.GetValue<string>());
        var names = output["parameter"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(["input", "outcome", "result"], names);
        var merged = await ReadAsync(source);
        Assert.False(merged["active"]!.GetValue<bool>());
        Assert.Contains(merged["link"]!.AsArray(), l => l!["type"]!.GetValue<string>() == "replaced-by" && l["other"]!["reference"]!.GetValue<string>() == $"Patient/{target}");
        var mergedTarget = await ReadAsync(target);
        Assert.Contains(mergedTarget["link"]!.AsArray(), l => l!["type"]!.GetValue<string>() == "replaces" && l["other"]!["reference"]!.GetValue<string>() == $"Patient/{source}");
        var moved = await Links.GetAsync(source);
        Assert.Equal(targetMaster, moved!.MasterId);
        Assert.Equal(MasterLinkMethods.Merged, moved.Method);
        // A second merge of the same source is refused.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await _fhir.PostAsync("Patient/$merge", Pair(source, target))).Status);

        (status, output) = await _fhir.PostAsync("Patient/$unmerge", Pair(source, target));
        Assert.True(status == HttpStatusCode.OK, output.ToJsonString());
        Assert.Equal(WithoutMeta(sourceBefore), WithoutMeta(await ReadAsync(source)));
        Assert.Equal(WithoutMeta(targetBefore), WithoutMeta(await ReadAsync(target)));
        var restored = await Links.GetAsync(source);
        Assert.Equal(sourceLinkBefore.MasterId, restored!.MasterId);
        Assert.Equal(sourceLinkBefore.Method, restored.Method);
        Assert.Equal(sourceLinkBefore.Explanation, restored.Explanation);
        // Nothing was deleted: every version is still in the history.
        var history = await _fhir.SearchAsync($"Patient/{source}/_history");
        Assert.Equal(3, history["entry"]!.AsArray().Count);
        // A second unmerge has nothing to undo.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await _fhir.PostAsync("Patient/$unmerge", Pair(source, target))).Status);

        var audit = await gateway.Services.GetRequiredService<IAuditLogReader>().SearchAsync(new AuditLogQuery(PatientId: source, Count: 100));
        var texts = audit.Entries.Where(e => e.Decision == AuditDecision.Permit).Select(e => Encoding.UTF8.GetString(e.Json)).ToList();
        Assert.Contains(texts, t => t.Contains(IdentityAudit.MergeRule, StringComparison.Ordinal) && t.Contains($"Patient/{target}", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains(IdentityAudit.UnmergeRule, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_preview_changes_nothing()
    {
        var (source, target) = await TwoChildrenAsync();
        var before = await ReadAsync(source);
        var (status, output) = await _fhir.PostAsync("Patient/$merge", Pair(source, target, preview: true));
        Assert.True(status == HttpStatusCode.OK, output.ToJsonString());
        var result = output["parameter"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "result")!["resource"]!;
        Assert.Contains(result["link"]!.AsArray(), l => l!["type"]!.GetValue<string>() == "replaces");
        Assert.Equal(before.ToJsonString(), (await ReadAsync(source)).ToJsonString());
        Assert.NotEqual((await Links.GetAsync(source))!.MasterId, (await Links.GetAsync(target))!.MasterId);
    }

    [Fact]
    public async Task Records_of_two_organisations_merge_and_keep_their_owners()
    {
        var trust = gateway.Fhir(new TokenSpec(Organisation: "ods-RY3", Agency: "health"));
        // The default token (la-926) cannot see the trust's record without an agreement: 404, as if it did not exist.
        var (source, target) = await TwoChildrenAsync(trust);
        Assert.Equal(HttpStatusCode.NotFound, (await _fhir.PostAsync("Patient/$merge", Pair(source, target))).Status);
        Assert.Null((await ReadAsync(target))["link"]);
    }

    [Fact]
    public async Task Seeing_another_organisations_record_is_not_enough_to_merge_it()
    {
        // Break-glass lets la-926 read the trust's record; a merge would still change it, which only its owner may.
        var trust = gateway.Fhir(new TokenSpec(Organisation: "ods-RY3", Agency: "health"));
        var (source, target) = await TwoChildrenAsync(trust);
        var sourceBefore = await (await trust.GetAsync($"Patient/{source}")).JsonAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "Patient/$merge") { Content = new StringContent(Pair(source, target), Encoding.UTF8, "application/fhir+json") };
        request.Headers.Add("X-Purpose-Of-Use", "safeguarding");
        request.Headers.Add("X-Break-Glass-Reason", "merge attempt in a test");
        var response = await _fhir.SendAsync(request);
        var body = await response.JsonAsync();
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("owns both records", body["issue"]![0]!["diagnostics"]!.GetValue<string>());
        Assert.Equal(sourceBefore.ToJsonString(), (await (await trust.GetAsync($"Patient/{source}")).JsonAsync()).ToJsonString());
        Assert.Null((await ReadAsync(target))["link"]);
    }

    [Fact]
    public async Task Bad_input_is_answered_with_an_operation_outcome()
    {
        var (source, target) = await TwoChildrenAsync();
        async Task Expect(HttpStatusCode expected, string url, string body)
        {
            var (status, outcome) = await _fhir.PostAsync(url, body);
            Assert.True(status == expected, $"{url} {body}: {(int)status} {outcome.ToJsonString()}");
            Assert.Equal("OperationOutcome", outcome["resourceType"]!.GetValue<string>());
        }
        await Expect(HttpStatusCode.UnprocessableEntity, "Patient/$merge", Pair(source, source));
        await Expect(HttpStatusCode.NotFound, "Patient/$merge", Pair(source, "no-such-child"));
        await Expect(HttpStatusCode.NotFound, "Patient/$unmerge", Pair("no-such-child", target));
        await Expect(HttpStatusCode.BadRequest, "Patient/$merge", Pair(source, null));
        await Expect(HttpStatusCode.BadRequest, "Patient/$merge", Pair(null, null));
        await Expect(HttpStatusCode.BadRequest, "Patient/$merge", Children.Patient("A", "B", "2010-01-01").ToJsonString());
        await Expect(HttpStatusCode.BadRequest, "Patient/$merge",
            """{"resourceType":"Parameters","parameter":[{"name":"source-patient","valueString":"x"},{"name":"target-patient","valueReference":{"reference":"Patient/y"}}]}""");
        await Expect(HttpStatusCode.UnprocessableEntity, "Patient/$unmerge", Pair(source, target));
        var get = await _fhir.GetAsync("Patient/$merge");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
    }

    [Fact]
    public async Task Merging_needs_patient_update_scope()
    {
        var (source, target) = await TwoChildrenAsync();
        var reader = gateway.Fhir(new TokenSpec(Scope: "system/Patient.rs"));
        var (status, outcome) = await reader.PostAsync("Patient/$merge", Pair(source, target));
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("OperationOutcome", outcome["resourceType"]!.GetValue<string>());
        Assert.Null((await ReadAsync(source))["link"]);
    }

    [Fact]
    public async Task Merge_by_identifier_works_like_merge_by_reference()
    {
        var upn = Children.Upn();
        var source = await _fhir.CreateAsync("Patient", Children.Patient("Henry", Children.Family(), Children.BirthDate(), "male", upn: upn).ToJsonString());
        var target = await _fhir.CreateAsync("Patient", Children.Patient("Leo", Children.Family(), Children.BirthDate(), "male").ToJsonString());
        var body = new JsonObject
        {
            ["resourceType"] = "Parameters",
            ["parameter"] = new JsonArray
            {
                new JsonObject { ["name"] = "source-patient-identifier", ["valueIdentifier"] = new JsonObject { ["system"] = SendInterop.Domain.Identifiers.IdentifierSystems.Upn, ["value"] = upn } },
                new JsonObject { ["name"] = "target-patient", ["valueReference"] = new JsonObject { ["reference"] = $"Patient/{target}" } },
            },
        }.ToJsonString();
        var (status, output) = await _fhir.PostAsync("Patient/$merge", body);
        Assert.True(status == HttpStatusCode.OK, output.ToJsonString());
        Assert.Equal((await Links.GetAsync(target))!.MasterId, (await Links.GetAsync(source))!.MasterId);
    }
}

/// <summary>The index survives a restart, and a Patient that committed without its link is linked at the next start.</summary>
public sealed class MasterIndexRestartTests
{
    [Fact]
    public async Task Links_survive_a_restart_and_a_patient_committed_without_a_link_is_reconciled()
    {
        var (family, dob, postcode) = (Children.Family(), Children.BirthDate(), Children.Postcode());
        string first, orphan, masterId;
        var before = MasterIndexGateway.Keeping();
        await before.InitializeAsync();
        try
        {
            first = await before.Fhir().CreateAsync("Patient", Children.Patient("Charlotte", family, dob, postcode: postcode, nhs: Build.NhsNumber()).ToJsonString());
            masterId = (await before.Services.GetRequiredService<MasterIndexStore>().GetAsync(first))!.MasterId;
            // A crash between commit and link: the Patient is stored through the gateway's own write path, which does
            // not link (no commit handler runs), exactly as if the process had stopped after the commit.
            var patient = new FhirJsonDeserializer().Deserialize<Hl7.Fhir.Model.Patient>(
                Children.Patient("Charlotte", family, dob, postcode: postcode, upn: Children.Upn()).ToJsonString());
            SendInterop.Domain.Access.Gate.OwnershipTags.SetOwner(patient, "la-926");
            var stored = await before.Services.GetRequiredService<GatewayWrites>().WriteAsync("test", [new(patient, "POST")], default);
            orphan = stored[0].ResourceId;
            Assert.Null(await before.Services.GetRequiredService<MasterIndexStore>().GetAsync(orphan));
        }
        finally
        {
            await before.DisposeAsync();
        }

        var after = MasterIndexGateway.OnSameDatabase(before);
        await after.InitializeAsync();
        try
        {
            var links = after.Services.GetRequiredService<MasterIndexStore>();
            Assert.Equal(masterId, (await links.GetAsync(first))!.MasterId);
            await after.Services.GetRequiredService<MasterChildIndex>().EnsureReconciledAsync(default);
            var reconciled = await links.GetAsync(orphan);
            Assert.NotNull(reconciled);
            Assert.Equal(masterId, reconciled.MasterId);
            Assert.Equal(MasterLinkMethods.AutoLink, reconciled.Method);
            // And the linked search sees both after the restart.
            var found = await after.Fhir().SearchAsync($"Patient?linked-identifier={SendInterop.Domain.Identifiers.IdentifierSystems.NhsNumber}|{(await links.GetAsync(first))!.NhsNumber}");
            Assert.Equal(new[] { first, orphan }.Order(), found.MatchIds().Order());
        }
        finally
        {
            await after.DisposeAsync();
        }
    }
}
