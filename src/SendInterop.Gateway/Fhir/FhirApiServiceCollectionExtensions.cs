using Microsoft.AspNetCore.ResponseCompression;
using SendInterop.Domain.Search;
using SendInterop.Gateway.Fhir.Bundles;
using SendInterop.Gateway.Fhir.Capability;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Gateway.Fhir.Interactions;
using SendInterop.Gateway.Fhir.Patch;
using SendInterop.Gateway.Fhir.Search;
using SendInterop.Gateway.Fhir.Validation;
using SendInterop.Gateway.Security.Access;
using SendInterop.Storage;

namespace SendInterop.Gateway.Fhir;

public static class FhirApiServiceCollectionExtensions
{
    /// <summary>The FHIR R4 API: storage, parsing, validation, interactions, error mapping, compression.</summary>
    public static WebApplicationBuilder AddFhirApi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var config = builder.Configuration;
        services.Configure<FhirApiOptions>(config.GetSection("Fhir"));
        var fhirOptions = config.GetSection("Fhir").Get<FhirApiOptions>() ?? new FhirApiOptions();
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = fhirOptions.MaxRequestBodyBytes);

        var storage = config.GetSection("Storage").Get<StorageOptions>() ?? new StorageOptions();
        if (config.GetConnectionString("Fhir") is { Length: > 0 } cs) storage.ConnectionString = cs;
        services.AddFhirStorage(storage);

        services.AddSingleton(SearchParameterRegistry.Default);
        services.AddSingleton<SearchIndexExtractor>();
        services.AddSingleton<SearchRequestParser>();
        services.AddSingleton<FhirSerialization>();
        services.AddSingleton<FhirResponseWriter>();
        services.AddSingleton<ResourcePreparer>();
        services.AddSingleton<ConditionalResolver>();
        services.AddSingleton<ConditionalWriteLocks>();
        services.AddSingleton<ReadInteractions>();
        services.AddSingleton<WriteInteractions>();
        services.AddSingleton<WriteTargets>();
        services.AddSingleton<SearchInteraction>();
        services.AddSearchCursorSeal(config);
        services.AddSingleton<HistoryInteraction>();
        services.AddSingleton<OperationInteractions>();
        services.AddSingleton<PatientEverythingOperation>();
        services.AddSingleton<PermittedIncludes>();
        services.AddSingleton<Identity.PatientMatchIndex>();
        services.AddSingleton<Identity.PatientMatchOperation>();
        services.AddSingleton<IResourceWriteObserver>(sp => sp.GetRequiredService<Identity.PatientMatchIndex>());
        Identity.MasterChildIndexServiceCollectionExtensions.AddMasterChildIndex(services);
        services.AddSingleton<PatchApplier>();
        services.AddSingleton<BundleProcessor>();
        services.AddSingleton<AuditEventInteraction>();
        services.AddSingleton<CapabilityStatementFactory>();
        services.AddSingleton<FhirInteractions>();
        services.AddSingleton<FhirHttpHandler>();
        services.AddSendProfileValidation(config);
        services.AddConsentGate(config);
        Subscriptions.SubscriptionServiceCollectionExtensions.AddSubscriptions(services, config);
        Indicators.IndicatorServiceCollectionExtensions.AddIndicators(services, config);

        services.AddExceptionHandler<FhirErrorHandler>();
        services.AddProblemDetails();
        services.AddRequestDecompression();
        services.AddResponseCompression(o =>
        {
            o.EnableForHttps = true;
            o.Providers.Add<GzipCompressionProvider>();
            o.MimeTypes = ResponseCompressionDefaults.MimeTypes.Concat([FhirFormats.JsonMediaType, FhirFormats.XmlMediaType]);
        });
        services.Configure<GzipCompressionProviderOptions>(o => o.Level = System.IO.Compression.CompressionLevel.Fastest);
        services.AddSingleton<IResponseCompressionProvider, SmallBodyAwareCompressionProvider>();
        return builder;
    }
}
