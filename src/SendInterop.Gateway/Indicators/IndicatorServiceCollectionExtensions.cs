using SendInterop.Gateway.Fhir.Interactions;

namespace SendInterop.Gateway.Indicators;

public static class IndicatorServiceCollectionExtensions
{
    /// <summary>Indicators: the Measure catalogue, $evaluate-measure, and the projection kept current by change events.</summary>
    public static IServiceCollection AddIndicators(this IServiceCollection services, IConfiguration config)
    {
        services.Configure<IndicatorOptions>(config.GetSection(IndicatorOptions.Section));
        services.AddSingleton<MeasureCatalogueInteraction>();
        services.AddSingleton<EvaluateMeasureOperation>();
        services.AddSingleton<ComparatorSource>();
        services.AddSingleton<ReportSubjectResolver>();
        services.AddSingleton<OrganisationDirectoryCache>();
        services.AddSingleton<ChildProjector>();
        services.AddSingleton<IndicatorProjectionWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<IndicatorProjectionWorker>());
        services.AddHostedService<IndicatorTallyRefresher>();
        services.AddSingleton<IChildRecordChangePublisher, InProcessChildRecordChanges>();
        services.AddSingleton<IndicatorChangeDetector>();
        services.AddSingleton<IResourceCommitHandler>(sp => sp.GetRequiredService<IndicatorChangeDetector>());
        return services;
    }
}
