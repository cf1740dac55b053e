using System.Net;
using System.Text.Json.Nodes;
using SendInterop.Domain.Statutory;
using SendInterop.Gateway.Statutory;
using SendInterop.Gateway.Tests.Infrastructure;
using static SendInterop.Gateway.Tests.Infrastructure.FhirHttp;
using static SendInterop.Gateway.Tests.Statutory.EhcRecord;

namespace SendInterop.Gateway.Tests.Statutory;

/// <summary>
/// Statutory Tasks end to end over HTTP on SQLite: what an LA records (a request, a decision, a withdrawal) becomes
/// Tasks with due dates, owners and states; time alone turns a step overdue through the sweep; nothing is written when
/// nothing changed; the consent gate treats the Tasks as it treats the case; a failure never fails the client's write.
/// </summary>
[Collection("sqlite")]
public sealed class StatutoryTaskWriterTests(StatutoryGateway gateway) : IClassFixture<StatutoryGateway>
{
    private static readonly DateOnly Received = new(2026, 2, 20);
    private readonly HttpClient _la = gateway.As(StatutoryGateway.La);

    private EhcRecord Record => new(_la);

    [Fact]
    public async Task A_request_received_opens_the_decision_due_in_six_weeks_owned_by_the_la()
    {
        gateway.Clock.SetDay(Received.AddDays(10));
        var child = await Record.ChildAsync();
        var request = await Record.RequestAsync(child, Received);

        var tasks = await StatutoryTasksAsync(_la, child);
        Assert.Equal(new[] { "decision-to-assess", "final-plan" }, tasks.Keys.Order());

        var decision = tasks["decision-to-assess"];
        Assert.Equal(IdFor(request, "decision-to-assess"), decision["id"]!.GetValue<string>());
        Assert.Equal(Day(Received.AddDays(42)), decision["restriction"]!["period"]!["end"]!.GetValue<string>());
        Assert.Equal("in-progress", decision["status"]!.GetValue<string>());
        Assert.Equal("due", Code(decision["businessStatus"]));
        Assert.Equal("Due", decision["businessStatus"]!["text"]!.GetValue<string>()); // no day count that goes stale
        Assert.Equal("routine", decision["priority"]!.GetValue<string>());
        Assert.Equal(StatutoryGateway.La, Owner(decision));
        Assert.Equal($"Organization/{StatutoryGateway.La}", decision["owner"]!["reference"]!.GetValue<string>());
        Assert.Equal($"ServiceRequest/{request}", decision["focus"]!["reference"]!.GetValue<string>());
        Assert.Equal($"Patient/{child}", decision["for"]!["reference"]!.GetValue<string>());
        Assert.Equal($"{request}:decision-to-assess", decision["identifier"]![0]!["value"]!.GetValue<string>());

        var final = tasks["final-plan"];
        Assert.Equal(Day(Received.AddDays(140)), final["restriction"]!["period"]!["end"]!.GetValue<string>());
        Assert.Equal("requested", final["status"]!.GetValue<string>());

        // What an integrator asks in Swagger: the open decisions, by step code.
        var open = await _la.SearchAsync($"Task?code={StatutoryCanonical.StepCodeSystem}|decision-to-assess&status=in-progress&subject=Patient/{child}");
        Assert.Equal([decision["id"]!.GetValue<string>()], open.MatchIds());
    }

    [Fact]
    public async Task Recording_the_decision_completes_its_task_and_opens_the_draft()
    {
        gateway.Clock.SetDay(Received.AddDays(30));
        var child = await Record.ChildAsync();
        var request = await Record.RequestAsync(child, Received);
        await Record.DecisionAsync(child, request, Received, Received.AddDays(28));

        var tasks = await StatutoryTasksAsync(_la, child);
        var decision = tasks["decision-to-assess"];
        Assert.Equal("completed", decision["status"]!.GetValue<string>());
        Assert.Equal("met-on-time", Code(decision["businessStatus"]));
        Assert.Equal(Day(Received.AddDays(28)), decision["executionPeriod"]!["end"]!.GetValue<string>());
        Assert.Equal("2", decision["meta"]!["versionId"]!.GetValue<string>());

        var draft = tasks["draft-plan"];
        Assert.Equal("in-progress", draft["status"]!.GetValue<string>());
        Assert.Equal(Day(Received.AddDays(112)), draft["restriction"]!["period"]!["end"]!.GetValue<string>());
        Assert.Equal("in-progress", tasks["final-plan"]["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_withdrawn_request_cancels_its_open_tasks_without_deleting_them()
    {
        gateway.Clock.SetDay(Received.AddDays(35));
        var child = await Record.ChildAsync();
        var request = await Record.RequestAsync(child, Received);
        await Record.DecisionAsync(child, request, Received, Received.AddDays(20));
        Assert.Equal("in-progress", (await StatutoryTasksAsync(_la, child))["draft-plan"]["status"]!.GetValue<string>());

        await Record.PutAsync("ServiceRequest", request, Request(child, Received, withdrawn: Received.AddDays(34)));

        var tasks = await StatutoryTasksAsync(_la, child);
        Assert.Equal("completed", tasks["decision-to-assess"]["status"]!.GetValue<string>()); // what was done stays done
        foreach (var step in new[] { "draft-plan", "final-plan" })
        {
            Assert.Equal("cancelled", tasks[step]["status"]!.GetValue<string>());
            Assert.Equal("cancelled", Code(tasks[step]["businessStatus"]));
            // Still there, with its history: read and versions.
            var id = tasks[step]["id"]!.GetValue<string>();
            Assert.Equal(HttpStatusCode.OK, (await _la.GetAsync($"Task/{id}")).StatusCode);
            var history = await _la.SearchAsync($"Task/{id}/_history");
            Assert.True(history["entry"]!.AsArray().Count >= 2);
            Assert.DoesNotContain(history["entry"]!.AsArray(), e => e!["request"]?["method"]?.GetValue<string>() == "DELETE");
        }
    }

    [Fact]
    public async Task A_request_deleted_from_the_record_cancels_every_task_of_its_case()
    {
        gateway.Clock.SetDay(Received.AddDays(10));
        var child = await Record.ChildAsync();
        var request = await Record.RequestAsync(child, Received);
        Assert.Equal(2, (await StatutoryTasksAsync(_la, child)).Count);

        Assert.Equal(HttpStatusCode.NoContent, (await _la.DeleteAsync($"ServiceRequest/{request}")).StatusCode);

        var tasks = await StatutoryTasksAsync(_la, child);
        Assert.Equal(2, tasks.Count);
        Assert.All(tasks.Values, t => Assert.Equal("cancelled", t["status"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Moving_the_clock_past_the_due_date_and_sweeping_flags_the_step_overdue_once()
    {
        gateway.Clock.SetDay(Received.AddDays(10));
        var child = await Record.ChildAsync();
        var request = await Record.RequestAsync(child, Received);
        var before = (await StatutoryTasksAsync(_la, child))["decision-to-assess"];
        Assert.Equal("due", Code(before["businessStatus"]));

        // A quiet day: the sweep writes nothing.
        gateway.Clock.SetDay(Received.AddDays(20));
        await gateway.Get<StatutorySweep>().RunAsync(default);
        Assert.Equal("1", (await StatutoryTasksAsync(_la, child))["decision-to-assess"]["meta"]!["versionId"]!.GetValue<string>());

        gateway.Clock.SetDay(Received.AddDays(43));
        var swept = await gateway.Get<StatutorySweep>().RunAsync(default);
        Assert.Equal(Received.AddDays(43), swept.AsOf);
        Assert.True(swept.Tasks.Updated >= 1);

        var after = (await StatutoryTasksAsync(_la, child))["decision-to-assess"];
        Assert.Equal(IdFor(request, "decision-to-assess"), after["id"]!.GetValue<string>());
        Assert.Equal("overdue", Code(after["businessStatus"]));
        Assert.Equal("urgent", after["priority"]!.GetValue<string>());
        Assert.Equal("in-progress", after["status"]!.GetValue<string>());
        Assert.Equal("2", after["meta"]!["versionId"]!.GetValue<string>());

        // Overdue by one more day is not a new version: the stored Task carries no day count.
        gateway.Clock.SetDay(Received.AddDays(44));
        await gateway.Get<StatutorySweep>().RunAsync(default);
        Assert.Equal("2", (await StatutoryTasksAsync(_la, child))["decision-to-assess"]["meta"]!["versionId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Saving_the_same_record_again_makes_no_new_task_versions()
    {
        gateway.Clock.SetDay(Received.AddDays(30));
        var child = await Record.ChildAsync();
        var request = await Record.RequestAsync(child, Received);
        var decisionId = await Record.DecisionAsync(child, request, Received, Received.AddDays(25));
        var versions = Versions(await StatutoryTasksAsync(_la, child));

        await Record.PutAsync("ServiceRequest", request, Request(child, Received));
        var decision = await (await _la.GetAsync($"Task/{decisionId}")).JsonAsync();
        decision.AsObject().Remove("meta");
        await Record.PutAsync("Task", decisionId, decision.AsObject());
        await gateway.Get<StatutoryTaskWriter>().RecomputeAsync(child, onlyIfTracked: false, default);
        await gateway.Get<StatutorySweep>().RunAsync(default);

        Assert.Equal(versions, Versions(await StatutoryTasksAsync(_la, child)));
        var all = await _la.SearchAsync($"Task?subject=Patient/{child}&code={StepCodeSearch}&_count=100");
        Assert.Equal(versions.Count, all.MatchIds().Count); // and no duplicate Task
    }

    [Fact]
    public async Task Another_la_without_an_agreement_sees_neither_the_case_nor_its_tasks()
    {
        gateway.Clock.SetDay(Received.AddDays(10));
        var child = await Record.ChildAsync();
        var request = await Record.RequestAsync(child, Received);
        var taskId = IdFor(request, "decision-to-assess");
        var other = gateway.As(StatutoryGateway.OtherLa);

        Assert.Equal(HttpStatusCode.OK, (await _la.GetAsync($"Task/{taskId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"ServiceRequest/{request}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"Task/{taskId}")).StatusCode);
        var search = await other.SearchAsync($"Task?subject=Patient/{child}&code={StepCodeSearch}");
        Assert.Empty(search.MatchIds());
        Assert.Equal(0, search["total"]!.GetValue<int>());
        var all = await other.SearchAsync($"Task?code={StatutoryCanonical.StepCodeSystem}|decision-to-assess&_count=200");
        Assert.DoesNotContain(taskId, all.MatchIds());
    }

    [Fact]
    public async Task A_client_cannot_write_a_statutory_task_even_as_its_owner()
    {
        gateway.Clock.SetDay(Received.AddDays(10));
        var child = await Record.ChildAsync();
        var request = await Record.RequestAsync(child, Received);
        var taskId = IdFor(request, "decision-to-assess");
        var task = (await (await _la.GetAsync($"Task/{taskId}")).JsonAsync()).AsObject();
        task["status"] = "completed";

        var put = await _la.PutAsync($"Task/{taskId}", Body(task.ToJsonString()));
        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
        task.Remove("id");
        var post = await _la.PostAsync("Task", Body(task.ToJsonString()));
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Equal("in-progress", (await StatutoryTasksAsync(_la, child))["decision-to-assess"]["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_statutory_task_deleted_by_its_owner_comes_back_at_the_next_recomputation()
    {
        gateway.Clock.SetDay(Received.AddDays(10));
        var child = await Record.ChildAsync();
        var request = await Record.RequestAsync(child, Received);
        var taskId = IdFor(request, "decision-to-assess");
        Assert.Equal(HttpStatusCode.NoContent, (await _la.DeleteAsync($"Task/{taskId}")).StatusCode);

        gateway.Clock.SetDay(Received.AddDays(50));
        await gateway.Get<StatutorySweep>().RunAsync(default);

        var task = (await StatutoryTasksAsync(_la, child))["decision-to-assess"];
        Assert.Equal(taskId, task["id"]!.GetValue<string>());
        Assert.Equal("overdue", Code(task["businessStatus"]));
        Assert.Equal("3", task["meta"]!["versionId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Overdue_steps_are_listed_by_business_status()
    {
        gateway.Clock.SetDay(Received.AddDays(60));
        var child = await Record.ChildAsync();
        var request = await Record.RequestAsync(child, Received);
        var overdue = await _la.SearchAsync($"Task?subject=Patient/{child}&business-status={StatutoryCanonical.StepStatusCodeSystem}|overdue");
        Assert.Equal([IdFor(request, "decision-to-assess")], overdue.MatchIds());
    }

    [Fact]
    public async Task A_failing_recomputation_never_fails_the_clients_write_and_is_repaired_later()
    {
        gateway.Clock.SetDay(Received.AddDays(10));
        var child = await Record.ChildAsync();
        gateway.Settings_.Fail = true;
        string request;
        try
        {
            var response = await _la.PostAsync("ServiceRequest", Body(Request(child, Received).ToJsonString()));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            request = (await response.JsonAsync())["id"]!.GetValue<string>();
            Assert.Empty(await StatutoryTasksAsync(_la, child));
        }
        finally
        {
            gateway.Settings_.Fail = false;
        }

        // Logged without the child, the request or the exception's message.
        var warning = Assert.Single(gateway.Logs, l => l.Contains("recomputation after a commit failed", StringComparison.Ordinal));
        Assert.Contains(nameof(InvalidOperationException), warning);
        Assert.DoesNotContain(child, warning);
        Assert.DoesNotContain(request, warning);
        Assert.DoesNotContain("injected failure", warning);

        var repaired = await gateway.Get<StatutorySweep>().RepairAsync(default);
        Assert.Equal(0, repaired.Failed);
        Assert.Equal(2, (await StatutoryTasksAsync(_la, child)).Count);
    }

    [Fact]
    public async Task Each_la_gets_the_closures_configured_for_its_code()
    {
        var source = gateway.Get<IStatutorySettingsSource>();
        var norfolk = await source.ForAsync($"Organization/{StatutoryGateway.La}", default);
        var closure = Assert.Single(norfolk.Closures);
        Assert.Equal(new HolidayClosure(ClosureScope.SchoolsAndColleges, new DateOnly(2026, 7, 23), new DateOnly(2026, 9, 3), "Summer 2026"), closure);
        Assert.False(norfolk.InferPhaseTransfers);

        var suffolk = await source.ForAsync($"Organization/{StatutoryGateway.OtherLa}", default);
        Assert.Empty(suffolk.Closures);
        Assert.True(suffolk.InferPhaseTransfers);
        Assert.Empty((await source.ForAsync(null, default)).Closures);
    }

    private static Dictionary<string, string> Versions(Dictionary<string, JsonNode> tasks) =>
        tasks.ToDictionary(kv => kv.Key, kv => kv.Value["meta"]!["versionId"]!.GetValue<string>());
}
