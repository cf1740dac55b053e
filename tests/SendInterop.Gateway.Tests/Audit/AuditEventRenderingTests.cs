using System.Buffers;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using SendInterop.Domain.Audit;
using SendInterop.Storage;
using SendInterop.Storage.Audit;

namespace SendInterop.Gateway.Tests.Audit;

/// <summary>The AuditEvent an audit record becomes: R4-valid, deterministic (its bytes are hashed), and only ids and codes.</summary>
public sealed class AuditEventRenderingTests
{
    private readonly AuditEventRenderer _renderer = new();

    private static readonly AuditRecord Sample = new(
        new DateTimeOffset(2026, 11, 26, 10, 57, 16, TimeSpan.FromHours(1)).AddTicks(1234567), AuditAction.Read, "read",
        AuditDecision.Permit, "consent-permit", "Consent/c-1", "client-1", "la-926", "education", "sen-caseworker", "direct-care",
        ["child-1", "child-2", "child-1"], ["CarePlan/plan-1", "Goal/g-1/_history/2"], "corr-1", SourceAddress: "10.0.0.1");

    [Fact]
    public void The_payload_is_an_R4_AuditEvent_with_the_sequence_as_id()
    {
        var json = _renderer.Render(Sample, 1234);
        var e = new FhirJsonDeserializer(new DeserializerSettings().UsingMode(DeserializationMode.Strict)).Deserialize<AuditEvent>(Encoding.UTF8.GetString(json));
        Assert.Equal("1234", e.Id);
        Assert.Equal("rest", e.Type.Code);
        Assert.Equal(AuditEventRenderer.AuditEventTypeSystem, e.Type.System);
        Assert.Equal(("http://hl7.org/fhir/restful-interaction", "read"), (e.Subtype[0].System, e.Subtype[0].Code));
        Assert.Equal(AuditEvent.AuditEventAction.R, e.Action);
        Assert.Equal(Sample.Recorded, e.Recorded);
        Assert.Equal(AuditEvent.AuditEventOutcome.N0, e.Outcome);
        Assert.Equal("consent-permit", e.OutcomeDesc);

        var requestor = e.Agent[0];
        Assert.True(requestor.Requestor);
        Assert.Equal((AuditEventRenderer.ClientIdSystem, "client-1"), (requestor.Who.Identifier.System, requestor.Who.Identifier.Value));
        Assert.Equal("direct-care", requestor.PurposeOfUse[0].Coding[0].Code);
        Assert.Equal(AuditEventRenderer.PurposeOfUseSystem, requestor.PurposeOfUse[0].Coding[0].System);
        Assert.Equal("sen-caseworker", requestor.Role[0].Coding[0].Code);
        Assert.Equal("10.0.0.1", requestor.Network.Address);
        Assert.Equal("Organization/la-926", e.Agent[1].Who.Reference);
        Assert.False(e.Agent[1].Requestor);
        Assert.Equal("SendInterop gateway", e.Source.Observer.Display);

        // One entity per child (each once), then one per resource.
        Assert.Equal(["Patient/child-1", "Patient/child-2", "CarePlan/plan-1", "Goal/g-1/_history/2"], e.Entity.Select(x => x.What.Reference));
        Assert.Equal(["1", "1", "4", "4"], e.Entity.Select(x => x.Role.Code));

        string? Ext(string name) => e.GetExtension(AuditEventRenderer.ExtensionBase + name)?.Value?.ToString();
        Assert.Equal("permit", Ext("decision"));
        Assert.Equal("consent-permit", Ext("rule"));
        Assert.Equal("Consent/c-1", Ext("policy"));
        Assert.Equal("corr-1", Ext("correlation-id"));
        Assert.Null(Ext("break-glass"));
        Assert.Null(e.Meta);
    }

    [Fact]
    public void A_denial_is_outcome_4_and_authentication_events_are_typed_as_such()
    {
        var denied = Sample with { Decision = AuditDecision.Deny, Rule = "default-deny", Action = AuditAction.Execute, Interaction = "token" };
        var e = _renderer.ToAuditEvent(denied, 1);
        Assert.Equal(AuditEvent.AuditEventOutcome.N4, e.Outcome);
        Assert.Equal(AuditEvent.AuditEventAction.E, e.Action);
        Assert.Equal((AuditEventRenderer.DicomSystem, "110114"), (e.Type.System, e.Type.Code));
        Assert.Equal((AuditEventRenderer.InteractionSystem, "token"), (e.Subtype[0].System, e.Subtype[0].Code));
        Assert.Equal("deny", e.GetExtension(AuditEventRenderer.DecisionExtension).Value.ToString());
    }

    [Fact]
    public void Rendering_is_deterministic_and_gives_exactly_the_serialiser_bytes()
    {
        Assert.Equal(_renderer.Render(Sample, 5), _renderer.Render(Sample with { }, 5));
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            new FhirJsonSerializer().Serialize(_renderer.ToAuditEvent(Sample with { BreakGlass = true, BreakGlassReason = "é \"quoted\"" }, 987654321), w);
        Assert.Equal(buffer.WrittenSpan.ToArray(), _renderer.Render(Sample with { BreakGlass = true, BreakGlassReason = "é \"quoted\"" }, 987654321));
    }

    [Fact]
    public void The_search_columns_read_back_from_the_payload_are_the_records()
    {
        foreach (var r in new[] { Sample, Sample with { OrganisationId = null, ClientId = null, ChildIds = [], Decision = AuditDecision.Deny, BreakGlass = true } })
            Assert.True(AuditEventRenderer.ReadIndex(_renderer.Render(r, 5)).Matches(AuditEventRenderer.IndexOf(r)));
    }

    [Fact]
    public void No_token_or_body_text_reaches_the_payload_only_the_break_glass_reason()
    {
        const string reason = "Safeguarding referral 12345: Authorization: Bearer eyJhbGciOiJSUzM4NCJ9.eyJzdWIiOiJ4In0.c2ln {\"resourceType\":\"Patient\"}";
        var record = Sample with { BreakGlass = true, BreakGlassReason = reason };
        var json = _renderer.Render(record, 77);

        // Every string in the payload is one of the record's ids and codes, the reason, or fixed vocabulary.
        var fromRecord = new HashSet<string>(StringComparer.Ordinal)
        {
            "77", "AuditEvent", record.Interaction, record.Rule, record.PolicyId!, record.ClientId!, record.Agency!, record.Role!,
            record.Purpose!, record.CorrelationId!, record.SourceAddress!, reason, "permit", "Organization/" + record.OrganisationId,
            record.Recorded.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffK", System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var c in record.ChildIds) fromRecord.Add("Patient/" + c);
        foreach (var e in record.Entities) fromRecord.Add(e);
        var vocabulary = new HashSet<string>(StringComparer.Ordinal)
        {
            "rest", "RESTful Operation", "R", "0", "IRCP", "information recipient", "2", "4", "1", "Application Server", "SendInterop gateway",
            "Person", "Patient", "System Object", "Domain Resource",
        };
        var strings = new List<string>();
        Collect(JsonDocument.Parse(json).RootElement, strings);
        var unexpected = strings.Where(v => !fromRecord.Contains(v) && !vocabulary.Contains(v) && !v.StartsWith("http", StringComparison.Ordinal)).ToList();
        Assert.True(unexpected.Count == 0, "unexpected strings in the payload: " + string.Join(" | ", unexpected));
        Assert.Single(strings, s => s.Contains("Bearer", StringComparison.Ordinal));
        Assert.Equal(reason, strings.Single(s => s.Contains("Bearer", StringComparison.Ordinal)));
        Assert.Equal("https://fhir.sendinterop.org.uk/StructureDefinition/audit-break-glass-reason",
            strings[strings.IndexOf(reason) - 1]);
    }

    private static void Collect(JsonElement e, List<string> into)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object: foreach (var p in e.EnumerateObject()) Collect(p.Value, into); break;
            case JsonValueKind.Array: foreach (var x in e.EnumerateArray()) Collect(x, into); break;
            case JsonValueKind.String: into.Add(e.GetString()!); break;
        }
    }

    [Theory]
    [InlineData("Data Source=fhir.db", "Data Source=fhir-audit.db")]
    [InlineData("Data Source=/var/lib/send/fhir.db;Cache=Shared", "Data Source=/var/lib/send/fhir-audit.db;Cache=Shared")]
    [InlineData("Data Source=sendinterop", "Data Source=sendinterop-audit")]
    public void The_sqlite_audit_file_sits_next_to_the_resource_store(string store, string audit)
    {
        Assert.Equal(audit, AuditLogDatabase.DeriveSqliteConnectionString(store));
        Assert.Equal(audit, AuditLogDatabase.For(new StorageOptions { ConnectionString = store }).ConnectionString);
        Assert.Equal("Data Source=elsewhere.db", AuditLogDatabase.For(new StorageOptions { ConnectionString = store }, "Data Source=elsewhere.db").ConnectionString);
        Assert.Equal("Host=db;Database=send", AuditLogDatabase.For(new StorageOptions { Provider = StorageProvider.Postgres, ConnectionString = "Host=db;Database=send" }).ConnectionString);
    }

    [Fact]
    public void An_in_memory_resource_store_needs_an_explicit_audit_database()
    {
        Assert.Throws<InvalidOperationException>(() => AuditLogDatabase.DeriveSqliteConnectionString("Data Source=:memory:"));
    }
}
