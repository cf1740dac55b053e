using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using SendInterop.Domain.Audit;

namespace SendInterop.Storage.Audit;

/// <summary>
/// The FHIR R4 AuditEvent an <see cref="AuditRecord"/> is served as. The log stores the compact record
/// (<see cref="AuditRecordCodec"/>) and renders it here when it is read; entries of the first format stored this
/// rendering itself, so it stays deterministic: the same record always gives the same bytes (elements in the FHIR
/// order, extensions, agents and entities in a fixed order, no whitespace), and <see cref="ReadIndex"/> still reads
/// those entries for verification.
/// <para>
/// Only ids, codes and the break-glass reason reach the AuditEvent: an <see cref="AuditRecord"/> carries no token or
/// body, and nothing here reads anything else.
/// </para>
/// </summary>
public sealed class AuditEventRenderer
{
    public const string ExtensionBase = "https://fhir.sendinterop.org.uk/StructureDefinition/audit-";
    public const string DecisionExtension = ExtensionBase + "decision";
    public const string RuleExtension = ExtensionBase + "rule";
    public const string PolicyExtension = ExtensionBase + "policy";
    public const string CorrelationExtension = ExtensionBase + "correlation-id";
    public const string BreakGlassExtension = ExtensionBase + "break-glass";
    public const string BreakGlassReasonExtension = ExtensionBase + "break-glass-reason";

    public const string ClientIdSystem = "https://fhir.sendinterop.org.uk/Id/client";
    public const string PurposeOfUseSystem = "https://fhir.sendinterop.org.uk/CodeSystem/purpose-of-use";
    public const string RoleSystem = "https://fhir.sendinterop.org.uk/CodeSystem/role";
    public const string AgencySystem = "https://fhir.sendinterop.org.uk/CodeSystem/agency";
    public const string InteractionSystem = "https://fhir.sendinterop.org.uk/CodeSystem/audit-interaction";
    public const string RestfulInteractionSystem = "http://hl7.org/fhir/restful-interaction";
    public const string AuditEventTypeSystem = "http://terminology.hl7.org/CodeSystem/audit-event-type";
    public const string DicomSystem = "http://dicom.nema.org/resources/ontology/DCM";
    public const string ParticipationTypeSystem = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
    public const string EntityTypeSystem = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
    public const string ObjectRoleSystem = "http://terminology.hl7.org/CodeSystem/object-role";
    public const string SourceTypeSystem = "http://terminology.hl7.org/CodeSystem/security-source-type";
    public const string ObserverDisplay = "SendInterop gateway";

    /// <summary>The interactions of http://hl7.org/fhir/restful-interaction; anything else gets our own code system.</summary>
    private static readonly HashSet<string> RestfulInteractions = new(StringComparer.Ordinal)
    {
        "read", "vread", "update", "patch", "delete", "history", "history-instance", "history-type", "history-system",
        "create", "search", "search-type", "search-system", "capabilities", "transaction", "batch", "operation",
    };

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        SkipValidation = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly FhirJsonSerializer _serializer = new();

    /// <summary>Entry <paramref name="sequence"/> as the AuditEvent JSON clients read.</summary>
    public byte[] Render(AuditRecord record, long sequence)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions)) _serializer.Serialize(ToAuditEvent(record, sequence), writer);
        return buffer.WrittenSpan.ToArray();
    }

    public AuditEvent ToAuditEvent(AuditRecord record, long? sequence)
    {
        var rest = record.Interaction is not ("token" or "authenticate");
        var e = new AuditEvent
        {
            Id = sequence?.ToString(CultureInfo.InvariantCulture),
            Type = rest
                ? new Coding(AuditEventTypeSystem, "rest", "RESTful Operation")
                : new Coding(DicomSystem, "110114", "User Authentication"),
            Subtype = [new Coding(RestfulInteractions.Contains(record.Interaction) ? RestfulInteractionSystem : InteractionSystem, record.Interaction)],
            Action = record.Action switch
            {
                AuditAction.Create => AuditEvent.AuditEventAction.C,
                AuditAction.Read => AuditEvent.AuditEventAction.R,
                AuditAction.Update => AuditEvent.AuditEventAction.U,
                AuditAction.Delete => AuditEvent.AuditEventAction.D,
                _ => AuditEvent.AuditEventAction.E,
            },
            Recorded = record.Recorded.ToUniversalTime(),
            Outcome = record.Decision == AuditDecision.Permit ? AuditEvent.AuditEventOutcome.N0 : AuditEvent.AuditEventOutcome.N4,
            OutcomeDesc = record.Rule,
        };

        e.Extension.Add(new Extension(DecisionExtension, new Code(DecisionCode(record.Decision))));
        e.Extension.Add(new Extension(RuleExtension, new Code(record.Rule)));
        if (record.PolicyId is not null) e.Extension.Add(new Extension(PolicyExtension, new FhirString(record.PolicyId)));
        if (record.CorrelationId is not null) e.Extension.Add(new Extension(CorrelationExtension, new FhirString(record.CorrelationId)));
        if (record.BreakGlass)
        {
            e.Extension.Add(new Extension(BreakGlassExtension, new FhirBoolean(true)));
            if (record.BreakGlassReason is not null) e.Extension.Add(new Extension(BreakGlassReasonExtension, new FhirString(record.BreakGlassReason)));
        }

        var requestor = new AuditEvent.AgentComponent
        {
            Type = Concept(ParticipationTypeSystem, "IRCP", "information recipient"),
            Requestor = true,
        };
        if (record.ClientId is not null) requestor.Who = new ResourceReference { Identifier = new Identifier(ClientIdSystem, record.ClientId) };
        if (record.Role is not null) requestor.Role = [Concept(RoleSystem, record.Role)];
        if (record.SourceAddress is not null)
            requestor.Network = new AuditEvent.NetworkComponent { Address = record.SourceAddress, Type = AuditEvent.AuditEventAgentNetworkType.N2 };
        if (record.Purpose is not null) requestor.PurposeOfUse = [Concept(PurposeOfUseSystem, record.Purpose)];
        e.Agent.Add(requestor);
        if (record.OrganisationId is not null)
        {
            var organisation = new AuditEvent.AgentComponent { Who = new ResourceReference("Organization/" + record.OrganisationId), Requestor = false };
            if (record.Agency is not null) organisation.Role = [Concept(AgencySystem, record.Agency)];
            e.Agent.Add(organisation);
        }

        e.Source = new AuditEvent.SourceComponent
        {
            Observer = new ResourceReference { Display = ObserverDisplay },
            Type = [new Coding(SourceTypeSystem, "4", "Application Server")],
        };

        foreach (var child in PatientIds(record))
            e.Entity.Add(new AuditEvent.EntityComponent
            {
                What = new ResourceReference("Patient/" + child),
                Type = new Coding(EntityTypeSystem, "1", "Person"),
                Role = new Coding(ObjectRoleSystem, "1", "Patient"),
            });
        foreach (var reference in record.Entities)
            e.Entity.Add(new AuditEvent.EntityComponent
            {
                What = new ResourceReference(reference),
                Type = new Coding(EntityTypeSystem, "2", "System Object"),
                Role = new Coding(ObjectRoleSystem, "4", "Domain Resource"),
            });
        return e;
    }

    private static CodeableConcept Concept(string system, string code, string? display = null) => new() { Coding = [new Coding(system, code, display)] };

    public static string DecisionCode(AuditDecision decision) => decision == AuditDecision.Permit ? "permit" : "deny";

    /// <summary>The children an entry is indexed under: the record's child ids, each once, in first-seen order.</summary>
    public static IReadOnlyList<string> PatientIds(AuditRecord record)
    {
        // Every gated request's record passes here, and most name one child: no set for those (IndexOf, mostly this, was
        // 0.43 % of the gateway's CPU under a read load; docs/performance.md, "Session 13").
        var ids = record.ChildIds;
        return ids.Count switch
        {
            0 => [],
            1 => [ids[0]],
            _ => ids.Distinct(StringComparer.Ordinal).ToList(),
        };
    }

    /// <summary>The searchable facts of a record, as the writer stores them in the query columns.</summary>
    public static AuditIndex IndexOf(AuditRecord record) =>
        new(record.Recorded.UtcTicks, record.OrganisationId, record.ClientId, DecisionCode(record.Decision), record.BreakGlass, PatientIds(record));

    /// <summary>
    /// The same facts read back from a stored payload, so verification can check that nobody edited the query columns
    /// (which the hash does not cover) to hide an entry from "who has seen my record".
    /// </summary>
    public static AuditIndex ReadIndex(ReadOnlyMemory<byte> payload)
    {
        using var doc = JsonDocument.Parse(payload);
        var root = doc.RootElement;
        string? organisation = null, client = null, decision = null;
        var recorded = root.TryGetProperty("recorded", out var r0) && DateTimeOffset.TryParse(r0.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? at.UtcTicks : -1;
        var breakGlass = false;
        var patients = new List<string>();
        if (root.TryGetProperty("extension", out var extensions))
            foreach (var x in extensions.EnumerateArray())
            {
                var url = x.GetProperty("url").GetString();
                if (url == DecisionExtension) decision = x.GetProperty("valueCode").GetString();
                else if (url == BreakGlassExtension) breakGlass = x.GetProperty("valueBoolean").GetBoolean();
            }
        if (root.TryGetProperty("agent", out var agents))
            foreach (var agent in agents.EnumerateArray())
            {
                if (!agent.TryGetProperty("who", out var who)) continue;
                if (agent.GetProperty("requestor").GetBoolean())
                {
                    if (who.TryGetProperty("identifier", out var identifier) && identifier.GetProperty("system").GetString() == ClientIdSystem)
                        client = identifier.GetProperty("value").GetString();
                }
                else if (who.TryGetProperty("reference", out var reference) && reference.GetString() is { } r && r.StartsWith("Organization/", StringComparison.Ordinal))
                    organisation = r["Organization/".Length..];
            }
        if (root.TryGetProperty("entity", out var entities))
            foreach (var entity in entities.EnumerateArray())
            {
                if (entity.TryGetProperty("role", out var role) && role.GetProperty("system").GetString() == ObjectRoleSystem && role.GetProperty("code").GetString() == "1"
                    && entity.GetProperty("what").GetProperty("reference").GetString() is { } p && p.StartsWith("Patient/", StringComparison.Ordinal))
                    patients.Add(p["Patient/".Length..]);
            }
        return new AuditIndex(recorded, organisation, client, decision ?? "", breakGlass, patients);
    }
}

/// <summary>What the query columns of an entry hold (<see cref="Recorded"/> in UTC ticks).</summary>
public sealed record AuditIndex(long Recorded, string? Organisation, string? Client, string Decision, bool BreakGlass, IReadOnlyList<string> PatientIds)
{
    /// <summary>Same facts (patient ids compared as sets: the child table has no order).</summary>
    public bool Matches(AuditIndex other) =>
        Recorded == other.Recorded && Organisation == other.Organisation && Client == other.Client && Decision == other.Decision && BreakGlass == other.BreakGlass
        && PatientIds.Count == other.PatientIds.Count && PatientIds.Order(StringComparer.Ordinal).SequenceEqual(other.PatientIds.Order(StringComparer.Ordinal), StringComparer.Ordinal);
}
