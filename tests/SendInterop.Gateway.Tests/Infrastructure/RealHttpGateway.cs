using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace SendInterop.Gateway.Tests.Infrastructure;

/// <summary>
/// The gateway on a real Kestrel socket on 127.0.0.1 (SQLite), for clients that must talk real HTTP
/// (Firely's FhirClient, the load of third-party data).
/// </summary>
public sealed class RealHttpGateway : GatewayFixture
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sendinterop-http-").FullName;

    public RealHttpGateway() => UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));

    protected override Dictionary<string, string?> Settings() => new()
    {
        ["Storage:Provider"] = "Sqlite",
        ["ConnectionStrings:Fhir"] = $"Data Source={System.IO.Path.Combine(_dir, "fhir.db")}",
        // Bulk loads keep their own ids with PUT (the Synthea export): the deployment option for that (ADR 3).
        ["Access:ClientAssignedIds"] = "Any",
    };

    public Uri FhirBase { get; private set; } = null!;

    public override Task InitializeAsync()
    {
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        FhirBase = new Uri(address.TrimEnd('/') + "/fhir/");
        return Task.CompletedTask;
    }

    public override string GatewayBase => FhirBase.GetLeftPart(UriPartial.Authority);

    /// <summary>A real-socket FHIR client with a token for <see cref="TokenSpec.Default"/> (or <paramref name="spec"/>).</summary>
    public HttpClient RealClient(TokenSpec? spec = null) =>
        new(AuthorizingHandler(spec)) { BaseAddress = FhirBase, Timeout = TimeSpan.FromMinutes(5) };

    /// <summary>A real-socket client with no token.</summary>
    public HttpClient AnonymousRealClient() => new() { BaseAddress = FhirBase, Timeout = TimeSpan.FromMinutes(5) };

    /// <summary>A socket handler that adds a bearer token: for clients built on a handler, such as Firely's FhirClient.</summary>
    public HttpMessageHandler AuthorizingHandler(TokenSpec? spec = null) =>
        new BearerTokenHandler(() => Issue(spec ?? TokenSpec.Default), new SocketsHttpHandler());

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
