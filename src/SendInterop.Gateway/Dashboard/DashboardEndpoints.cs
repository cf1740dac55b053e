using SendInterop.Gateway.Security.Authentication;

namespace SendInterop.Gateway.Dashboard;

/// <summary>
/// The commissioners' dashboard (issue #5 point 6): the page at <c>/dashboard/</c> and its data API under
/// <c>/dashboard/api/</c> (docs/dashboard.md). The data routes use the FHIR API's bearer authentication and then need
/// the <see cref="CommissionerRole"/>. None of them is a FHIR interaction, so they stay out of the OpenAPI document,
/// like the other non-FHIR routes.
/// </summary>
public static class DashboardEndpoints
{
    public const string BasePath = "/dashboard";
    public const string ApiPath = BasePath + "/api";

    /// <summary>The page and its assets answer HEAD too (link checkers, monitoring).</summary>
    private static readonly string[] PageMethods = ["GET", "HEAD"];

    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<DashboardOptions>(builder.Configuration.GetSection(DashboardOptions.Section));
        builder.Services.AddSingleton<DashboardAssets>();
        builder.Services.AddSingleton<DashboardAreas>();
        builder.Services.AddSingleton<DashboardApi>();
        return builder;
    }

    public static WebApplication MapDashboard(this WebApplication app)
    {
        // One route matches /dashboard and /dashboard/ (routing ignores a trailing slash). Without the slash the page's
        // relative asset and API URLs would resolve against the root, so that form is redirected.
        app.MapMethods(BasePath, PageMethods, (HttpContext c, DashboardAssets a) => c.Request.Path.Value!.EndsWith('/')
                ? DashboardPages.Serve(c, a, "index.html")
                : Results.Redirect(BasePath + "/", permanent: true))
            .WithName("dashboard").AllowAnonymous().ExcludeFromDescription();
        app.MapMethods(BasePath + "/{file}", PageMethods, (HttpContext c, DashboardAssets a, string file) => DashboardPages.Serve(c, a, file))
            .AllowAnonymous().ExcludeFromDescription();

        var devTokens = app.Environment.IsDevelopment();
        app.MapGet(ApiPath + "/login-options", () => Results.Json(DashboardApi.LoginOptions(devTokens)))
            .AllowAnonymous().ExcludeFromDescription();
        app.MapGet(ApiPath + "/areas", (HttpContext c, DashboardApi api) => api.AreasAsync(c))
            .RequireAuthorization(SendClientAuthorization.Policy).ExcludeFromDescription();
        app.MapGet(ApiPath + "/measures", (HttpContext c, DashboardApi api) => api.MeasuresAsync(c))
            .RequireAuthorization(SendClientAuthorization.Policy).ExcludeFromDescription();
        app.MapGet(ApiPath + "/reports", (HttpContext c, DashboardApi api) => api.ReportsAsync(c))
            .RequireAuthorization(SendClientAuthorization.Policy).ExcludeFromDescription();
        return app;
    }
}
