using System.Collections.Concurrent;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;
using SendInterop.Domain.Search;

namespace SendInterop.Gateway.Fhir.Capability;

/// <summary>
/// Builds /metadata from the same registry and options the server runs on, so the CapabilityStatement states
/// exactly what is supported: every R4 type, its interactions, and only the search parameters that are indexed.
/// </summary>
public sealed class CapabilityStatementFactory(
    SearchParameterRegistry registry, IOptions<FhirApiOptions> options, Security.Authentication.SmartCapabilitySecurity? security = null,
    IOptions<Security.Access.AccessOptions>? access = null)
{
    private readonly ConcurrentDictionary<string, CapabilityStatement> _cache = new();

    /// <summary>Profiles this server declares support for, by resource type (filled by the profile module).</summary>
    public Dictionary<string, List<string>> SupportedProfiles { get; } = new();

    /// <summary>
    /// Cached per base URL, which comes from the Host header: a bounded number are kept so a client sending made-up
    /// hosts cannot grow memory; beyond that each is built on demand.
    /// </summary>
    public CapabilityStatement Create(string baseUrl) =>
        _cache.TryGetValue(baseUrl, out var cached) ? cached
        : _cache.Count < 16 ? _cache.GetOrAdd(baseUrl, Build)
        : Build(baseUrl);

    /// <summary>What a client must know about search under the consent gate (ADR 3), with the configured chain limit.</summary>
    private string SearchNotes()
    {
        var maxChainTargets = access?.Value.MaxChainTargets ?? new Security.Access.AccessOptions().MaxChainTargets;
        return "Search runs under the consent gate: resources the requester may not see are not matched, counted, paged or included. "
            + "Chained parameters (subject:Patient.identifier=...) match only through resources the requester may see, and need search scope "
            + $"on the chained type; a chain that reaches more than {maxChainTargets} such resources is refused with 400: narrow the chain. "
            + "Reverse chaining (_has) is not supported and is refused with 400.";
    }

    private const string BulkExportNotes =
        "GET (query) or POST (Parameters body) with Prefer: respond-async; _type, _since, _typeFilter (plain criteria, no chains), "
        + "_outputFormat (NDJSON) and, POSTed to Patient or Group, patient. Every resource is decided by the consent gate for the "
        + "caller when the files are written, and every line again, audited, when a file is downloaded; status and files are the caller's alone "
        + "($export-status/{job}, $export-file/{job}/{n}).";

    private CapabilityStatement Build(string baseUrl)
    {
        var cs = new CapabilityStatement
        {
            Status = PublicationStatus.Active,
            Date = "2026-11-26",
            Kind = CapabilityStatementKind.Instance,
            Name = "SendInteropGateway",
            Title = "SendInterop gateway: FHIR R4 API for the SEND shared record",
            FhirVersion = FHIRVersion.N4_0_1,
            Format = ["application/fhir+json", "application/fhir+xml"],
            PatchFormat = ["application/json-patch+json", "application/fhir+json", "application/fhir+xml"],
            Software = new CapabilityStatement.SoftwareComponent { Name = "SendInterop", Version = typeof(CapabilityStatementFactory).Assembly.GetName().Version?.ToString() },
            Implementation = new CapabilityStatement.ImplementationComponent { Description = "SendInterop gateway", Url = baseUrl },
            // FHIR Bulk Data Access v2 ($export at system, Patient and Group level; Export/).
            Instantiates = ["http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data"],
        };
        var rest = new CapabilityStatement.RestComponent
        {
            Mode = CapabilityStatement.RestfulCapabilityMode.Server, Security = security?.For(baseUrl), Documentation = SearchNotes(),
        };
        rest.Interaction.Add(new() { Code = CapabilityStatement.SystemRestfulInteraction.Transaction });
        rest.Interaction.Add(new() { Code = CapabilityStatement.SystemRestfulInteraction.Batch });
        rest.Interaction.Add(new() { Code = CapabilityStatement.SystemRestfulInteraction.HistorySystem });
        // System-level operations that take or give a file rather than a resource (Sen2/): an LA's DfE SEN2 return.
        rest.Operation.Add(new CapabilityStatement.OperationComponent
        {
            Name = "export", Definition = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export",
            Documentation = BulkExportNotes,
        });
        rest.Operation.Add(new CapabilityStatement.OperationComponent
        {
            Name = "sen2-import", Definition = Domain.Profiles.SendCanonical.Base + "/OperationDefinition/sen2-import",
            Documentation = "POST the caller LA's SEN2 person-level return (application/xml): each valid Person imported as its own transaction, "
                + "a Parameters report per record (imported, unchanged, rejected with path, line and rule). Needs system/*.cu.",
        });
        rest.Operation.Add(new CapabilityStatement.OperationComponent
        {
            Name = "sen2-export", Definition = Domain.Profiles.SendCanonical.Base + "/OperationDefinition/sen2-export",
            Documentation = "GET ?collection-year=YYYY&reference-date=YYYY-MM-DD: the caller LA's SEN2 return (application/xml) from the record, "
                + "read through the consent gate; unmapped children are named in the X-SEN2-Unmapped headers.",
        });

        foreach (var type in registry.ResourceTypes.OrderBy(t => t, StringComparer.Ordinal))
        {
            var readOnly = options.Value.ReadOnlyTypes.Contains(type);
            var r = new CapabilityStatement.ResourceComponent
            {
                Type = type,
                Versioning = CapabilityStatement.ResourceVersionPolicy.VersionedUpdate,
                ReadHistory = true,
                // Client-chosen ids for new resources only where an id cannot probe a hidden record (WriteTargets).
                UpdateCreate = !readOnly && Interactions.WriteTargets.OffersUpdateCreate(access?.Value ?? new Security.Access.AccessOptions(), type),
                ConditionalCreate = !readOnly,
                ConditionalUpdate = !readOnly,
                ConditionalDelete = readOnly ? CapabilityStatement.ConditionalDeleteStatus.NotSupported : CapabilityStatement.ConditionalDeleteStatus.Single,
                ConditionalRead = CapabilityStatement.ConditionalReadStatus.NotSupported,
            };
            var interactions = type == Indicators.MeasureCatalogueInteraction.Type
                // The indicator catalogue: read and search only (docs/indicators.md), evaluated by $evaluate-measure.
                ? new[] { CapabilityStatement.TypeRestfulInteraction.Read, CapabilityStatement.TypeRestfulInteraction.SearchType }
                : readOnly
                ? new[] { CapabilityStatement.TypeRestfulInteraction.Read, CapabilityStatement.TypeRestfulInteraction.Vread, CapabilityStatement.TypeRestfulInteraction.SearchType, CapabilityStatement.TypeRestfulInteraction.HistoryInstance, CapabilityStatement.TypeRestfulInteraction.HistoryType }
                : Enum.GetValues<CapabilityStatement.TypeRestfulInteraction>();
            foreach (var i in interactions) r.Interaction.Add(new() { Code = i });
            if (SupportedProfiles.TryGetValue(type, out var profiles)) r.SupportedProfile = profiles;

            var referenceParams = new List<string>();
            foreach (var p in registry.ForType(type).OrderBy(p => p.Name, StringComparer.Ordinal))
            {
                if (!p.IsSupported && !SearchParameterRegistry.ColumnParameters.Contains(p.Name)) continue;
                r.SearchParam.Add(new CapabilityStatement.SearchParamComponent { Name = p.Name, Type = p.Type, Definition = p.Url });
                if (p.Type == SearchParamType.Reference) referenceParams.Add(p.Name);
            }
            r.SearchInclude = referenceParams.Select(n => $"{type}:{n}").Prepend($"{type}:*").ToList();
            r.Operation.Add(new CapabilityStatement.OperationComponent { Name = "validate", Definition = "http://hl7.org/fhir/OperationDefinition/Resource-validate" });
            if (type == "Subscription")
                r.Documentation = "rest-hook only, to an endpoint registered for the subscriber's organisation (Subscriptions:AllowedEndpoints); "
                    + "criteria are plain search criteria (no chains or result parameters). Each notification is decided by the consent gate for "
                    + "the subscriber as a read would be, and audited; payload empty (POST, no body) or application/fhir+json (PUT [endpoint]/[type]/[id]).";
            if (type is "Patient" or "Group")
                r.Operation.Add(new CapabilityStatement.OperationComponent
                {
                    Name = "export", Definition = $"http://hl7.org/fhir/uv/bulkdata/OperationDefinition/{type.ToLowerInvariant()}-export",
                    Documentation = (type == "Patient" ? "Type level: every child's compartment. " : "Instance level: the compartments of the Group's active Patient members. ") + BulkExportNotes,
                });
            if (type == "Patient")
            {
                r.Operation.Add(new CapabilityStatement.OperationComponent { Name = "match", Definition = "http://hl7.org/fhir/OperationDefinition/Patient-match" });
                r.Operation.Add(new CapabilityStatement.OperationComponent
                {
                    Name = "everything", Definition = "http://hl7.org/fhir/OperationDefinition/Patient-everything",
                    Documentation = "Instance level only; _since, _type, _count and linked=true (the child's other records in the master child index); start and end are refused. Every resource needs read and search scope on its type and passes the consent gate.",
                });
                // The master child index (docs/identity.md): merge follows R5's Patient-merge; unmerge is its inverse.
                r.Operation.Add(new CapabilityStatement.OperationComponent { Name = "merge", Definition = "http://hl7.org/fhir/OperationDefinition/Patient-merge" });
                r.Operation.Add(new CapabilityStatement.OperationComponent
                {
                    Name = "unmerge", Definition = Domain.Profiles.SendCanonical.Base + "/OperationDefinition/Patient-unmerge",
                    Documentation = "Undoes a Patient/$merge exactly (source-patient, target-patient): the links it added are removed, active and the master link restored.",
                });
                r.SearchParam.Add(new CapabilityStatement.SearchParamComponent
                {
                    Name = Identity.LinkedIdentifierSearch.Name, Type = SearchParamType.Token,
                    Definition = Domain.Profiles.SendCanonical.Base + "/SearchParameter/Patient-linked-identifier",
                    Documentation = "The Patients with this identifier and every Patient record linked to the same child in the master child index.",
                });
            }
            if (type == Indicators.MeasureCatalogueInteraction.Type)
            {
                r.UpdateCreate = false;
                r.ConditionalCreate = false;
                r.ConditionalUpdate = false;
                r.ReadHistory = false;
                r.ConditionalDelete = CapabilityStatement.ConditionalDeleteStatus.NotSupported;
                r.Operation.Add(new CapabilityStatement.OperationComponent
                {
                    Name = "evaluate-measure", Definition = "http://hl7.org/fhir/OperationDefinition/Measure-evaluate-measure",
                    Documentation = "Indicators computed by the database from the projection: periodStart/periodEnd (or sen2Year), subject (Organization/la-NNN, "
                        + "an LA code, a region code or England), reportType summary (suppressed aggregates, any client with Measure scope) or subject-list "
                        + "(Patient scope too; only the children the consent gate lets the requester see). See docs/indicators.md.",
                });
            }
            if (type == "Task")
                r.Operation.Add(new CapabilityStatement.OperationComponent
                {
                    Name = "resolve", Definition = Domain.Profiles.SendCanonical.Base + "/OperationDefinition/Task-resolve",
                    Documentation = "Resolves an identity review Task (code " + Identity.IdentityReviewTasks.CodeSystem + "): decision link or not-link.",
                });
            rest.Resource.Add(r);
        }
        cs.Rest.Add(rest);
        return cs;
    }
}
