using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SendInterop.Gateway.Fhir.Interactions;

namespace SendInterop.Gateway.Statutory;

public static class StatutoryServiceCollectionExtensions
{
    /// <summary>
    /// Statutory Tasks (issue #5 point 1): recomputed after every commit that touches a child's EHC case, swept daily
    /// for steps that became overdue, configured from the <c>Statutory</c> section. Needs the FHIR API (store, writes).
    /// </summary>
    public static WebApplicationBuilder AddStatutoryTasks(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.Configure<StatutoryOptions>(builder.Configuration.GetSection(StatutoryOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new StatutoryCalendar(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<StatutoryOptions>>()));
        services.TryAddSingleton<IStatutorySettingsSource, ConfiguredStatutorySettings>();
        services.AddSingleton<ChildLocks>();
        services.AddSingleton<ChildCaseRecordReader>();
        services.AddSingleton<ChildTaskPlanner>();
        services.AddSingleton<StatutoryTaskWriter>();
        services.AddSingleton<StatutoryTriggers>();
        services.AddSingleton<StatutoryRepairQueue>();
        services.AddSingleton<StatutorySweep>();
        services.AddSingleton<StatutoryCommitHandler>();
        services.AddSingleton<IResourceCommitHandler>(sp => sp.GetRequiredService<StatutoryCommitHandler>());
        services.AddHostedService<StatutorySweepService>();
        return builder;
    }
}
