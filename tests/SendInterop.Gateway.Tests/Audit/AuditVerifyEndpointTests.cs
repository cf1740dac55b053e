using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SendInterop.Domain.Audit;
using SendInterop.Gateway.Tests.Infrastructure;
using SendInterop.Storage.Audit;

namespace SendInterop.Gateway.Tests.Audit;

/// <summary>
/// <c>GET /fhir/AuditEvent/$verify</c>: 200 and the head when the chain is intact, 409 naming the first broken entry
/// once it is not, and nothing without a token, an AuditEvent read scope and the information-governance role. Each class has its own gateway (the tamper test breaks its log for good).
/// </summary>
public abstract class AuditVerifyEndpointTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Verify_answers_200_while_the_chain_is_intact_and_409_naming_the_entry_once_it_was_edited()
    {
        var sink = gateway.Services.GetRequiredService<IAuditSink>();
        for (int i = 0; i < 5; i++) await sink.AppendAsync(AuditRecords.Record());
        var fhir = gateway.Fhir(new TokenSpec(Role: "ig-lead"));

        var ok = await fhir.GetAsync("AuditEvent/$verify");
        var okBody = await ok.JsonAsync();
        Assert.True(ok.StatusCode == HttpStatusCode.OK, okBody.ToJsonString());
        Assert.StartsWith("application/fhir+json", ok.Content.Headers.ContentType!.ToString());
        Assert.Equal("OperationOutcome", okBody["resourceType"]!.GetValue<string>());
        Assert.Equal("information", okBody["issue"]![0]!["severity"]!.GetValue<string>());
        var head = (await gateway.Services.GetRequiredService<IAuditLogReader>().VerifyAsync()).Head!;
        Assert.Contains("chain intact", okBody["issue"]![0]!["diagnostics"]!.GetValue<string>());
        Assert.Contains(head.Hash[..16], okBody["issue"]![0]!["diagnostics"]!.GetValue<string>());

        // Edit entry 3 behind the gateway's back.
        var database = gateway.Services.GetRequiredService<AuditLogDatabase>();
        await AuditStack.ExecuteAsync(database, """UPDATE audit_log SET "Payload" = @p WHERE "Sequence" = 3""",
            ("p", System.Text.Encoding.UTF8.GetBytes("""{"resourceType":"AuditEvent","id":"3"}""")));

        var broken = await fhir.GetAsync("AuditEvent/$verify");
        var brokenBody = await broken.JsonAsync();
        Assert.Equal(HttpStatusCode.Conflict, broken.StatusCode);
        Assert.Equal("error", brokenBody["issue"]![0]!["severity"]!.GetValue<string>());
        Assert.Contains("entry 3", brokenBody["issue"]![0]!["diagnostics"]!.GetValue<string>());
        Assert.Equal("AuditEvent/3", brokenBody["issue"]![0]!["expression"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Verify_needs_a_token()
    {
        var r = await gateway.AnonymousFhir().GetAsync("AuditEvent/$verify");
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
    }

    [Theory]
    [InlineData("system/CarePlan.rs", "ig-lead")]
    [InlineData("patient/AuditEvent.rs", "ig-lead")]
    [InlineData("system/AuditEvent.rs?patient=Patient/x", "ig-lead")]
    // The scope without the role: the entry count and head would tell any client how busy every organisation is.
    [InlineData("system/AuditEvent.rs", null)]
    [InlineData("system/*.rs", "sen-caseworker")]
    public async Task Verify_needs_an_unconstrained_system_or_user_scope_on_AuditEvent_and_the_ig_role_and_the_refusal_is_audited(string scope, string? role)
    {
        var client = "verify-" + Guid.NewGuid().ToString("N")[..8];
        var r = await gateway.Fhir(new TokenSpec(Scope: scope, ClientId: client, Patient: "x", Role: role)).GetAsync("AuditEvent/$verify");
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        Assert.Equal("OperationOutcome", (await r.JsonAsync())["resourceType"]!.GetValue<string>());
        var audited = await gateway.Services.GetRequiredService<IAuditLogReader>().SearchAsync(new AuditLogQuery(ClientId: client));
        var entry = Assert.Single(audited.Entries);
        Assert.Equal(AuditDecision.Deny, entry.Decision);
    }
}

[Collection("sqlite")] public sealed class SqliteAuditVerifyEndpointTests(SqliteGateway g) : AuditVerifyEndpointTests(g), IClassFixture<SqliteGateway>;
[Collection("postgres")] public sealed class PostgresAuditVerifyEndpointTests(PostgresGateway g) : AuditVerifyEndpointTests(g), IClassFixture<PostgresGateway>;
