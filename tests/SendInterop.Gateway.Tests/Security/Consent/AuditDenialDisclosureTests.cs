using System.Net;
using SendInterop.Domain.Access.Gate;
using SendInterop.Gateway.Tests.Infrastructure;
using static SendInterop.Gateway.Tests.Infrastructure.FhirHttp;
using static SendInterop.Gateway.Tests.Security.Consent.ConsentGateway;

namespace SendInterop.Gateway.Tests.Security.Consent;

/// <summary>
/// An organisation's own audit entries must not undo the gate: the entry that recorded what it was refused named the
/// hidden resources, the child and the rule (found by review: a search answered total 0, then the organisation's own
/// AuditEvents named the hidden Observation, the child and "no-tier1-agreement"). Denials are shown to the child's side only.
/// </summary>
[Collection(ConsentCollection.Name)]
public sealed class AuditDenialDisclosureTests(ConsentGateway gateway)
{
    [Fact]
    public async Task What_an_organisation_was_refused_is_not_in_its_own_audit_but_the_child_sees_it()
    {
        var la = gateway.As(La);
        var outsider = gateway.As(Outsider, clientId: "audit-denial-outsider");
        var child = await la.CreateAsync("Patient", Build.Patient(family: "Refused" + Unique(), birthDate: "2014-01-01"));
        var hidden = await la.CreateAsync("Observation", Build.Observation(child));
        var own = await outsider.CreateAsync("Observation", Build.Observation(await outsider.CreateAsync("Patient", Build.Patient(family: "Own" + Unique()))));

        var search = await outsider.SearchAsync($"Observation?subject=Patient/{child}");
        Assert.Equal(0, search["total"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.OK, (await outsider.GetAsync($"Observation/{own}")).StatusCode);

        // The controls first (so the denial is known to be in the log when the checks below look for it): its own
        // permitted accesses are still its to see,
        Assert.Contains(own, (await outsider.SearchAsync($"AuditEvent?agent=Organization/{Outsider}&_count=100")).ToJsonString(), StringComparison.Ordinal);

        // and the child's side (subject access) sees that the outsider was refused.
        var app = gateway.As(SubjectAccessApp, scope: "patient/*.rs", purposes: PurposesOfUse.SubjectAccess, patient: child);
        var mine = await app.GetAs($"AuditEvent?patient=Patient/{child}", PurposesOfUse.SubjectAccess);
        Assert.True(mine.Status == HttpStatusCode.OK, $"{mine}");
        Assert.Contains($"Organization/{Outsider}", mine.Body, StringComparison.Ordinal);

        foreach (var query in new[] { $"AuditEvent?agent=Organization/{Outsider}&_count=100", $"AuditEvent?patient=Patient/{child}", $"AuditEvent?entity=Patient/{child}" })
        {
            var bundle = await outsider.SearchAsync(query);
            bundle.AsObject().Remove("link"); // the self link repeats the query
            var text = bundle.ToJsonString();
            Assert.DoesNotContain(hidden, text, StringComparison.Ordinal);
            Assert.DoesNotContain(child, text, StringComparison.Ordinal);
            Assert.DoesNotContain("\"deny\"", text, StringComparison.Ordinal);
        }
    }
}
