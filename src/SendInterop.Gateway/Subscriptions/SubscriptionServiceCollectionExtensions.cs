namespace SendInterop.Gateway.Subscriptions;

public static class SubscriptionServiceCollectionExtensions
{
    /// <summary>FHIR R4 rest-hook subscriptions: the write-time rules, the sender and the dispatcher.</summary>
    public static IServiceCollection AddSubscriptions(this IServiceCollection services, IConfiguration config)
    {
        services.Configure<SubscriptionOptions>(config.GetSection(SubscriptionOptions.Section));
        services.AddSingleton<SubscriptionRules>();
        services.AddHttpClient(RestHookSender.ClientName)
            // The endpoint is the address the organisation registered: a redirect elsewhere is a failure, not a hop; and
            // a registered name that resolves to this machine or a link-local address (cloud metadata) is refused.
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                // Connected directly: through a proxy the address check below would see the proxy's address, not the endpoint's.
                UseProxy = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectCallback = EndpointAddressGuard.ConnectCallback(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<SubscriptionOptions>>().Value.AllowHttpLoopback),
            });
        services.AddSingleton<RestHookSender>();
        services.AddSingleton<SubscriptionVersions>();
        services.AddSingleton<SubscriptionDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<SubscriptionDispatcher>());
        services.AddSingleton<SubscriptionWakeUp>();
        services.AddSingleton<Fhir.Interactions.IResourceWriteObserver>(sp => sp.GetRequiredService<SubscriptionWakeUp>());
        return services;
    }
}
