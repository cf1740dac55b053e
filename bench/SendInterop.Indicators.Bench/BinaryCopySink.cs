using Npgsql;
using NpgsqlTypes;
using SendInterop.Domain.Indicators;
using SendInterop.Storage.Indicators;

namespace SendInterop.Indicators.Bench;

/// <summary>
/// Streams rows into the five projection tables with PostgreSQL binary COPY, one connection and one COPY per table open
/// together, so the population is generated once, child by child, and each backend ingests its table on its own.
/// Rows go through the storage layer's <see cref="IndicatorRowMapper"/>, the mapping the gateway's projection uses.
/// </summary>
public sealed class BinaryCopySink : IProjectionSink, IAsyncDisposable
{
    private const string Common = "child_id, row_id, la_code, birth_day, birth_year, birth_month_day, sex, ethnicity, primary_need, setting_type, computed_at";

    private readonly long _computedAt;
    private readonly List<NpgsqlConnection> _connections = [];
    private readonly NpgsqlBinaryImporter _case, _plan, _review, _outcome, _wait;

    public long[] Counts { get; } = new long[5];

    private BinaryCopySink(string connection, long computedAt)
    {
        _computedAt = computedAt;
        _case = Open(connection, IndicatorProjectionModel.CaseTable, "received, decision_on, decided_to_assess, decided_not_to_issue_on, plan_issued, exceptions_apply, tribunal_appeal");
        _plan = Open(connection, IndicatorProjectionModel.PlanTable, "issued, ceased, cease_reason, out_of_area, personal_budget, direct_payment");
        _review = Open(connection, IndicatorProjectionModel.ReviewTable, "due, held, cancelled");
        _outcome = Open(connection, IndicatorProjectionModel.OutcomeTable, "achievement, assessed_on");
        _wait = Open(connection, IndicatorProjectionModel.WaitTable, "autism_assessment, referred, first_contact");
    }

    public static BinaryCopySink Start(string connection, DateTimeOffset computedAt) => new(connection, computedAt.ToUnixTimeMilliseconds());

    private NpgsqlBinaryImporter Open(string connection, string table, string columns)
    {
        var c = new NpgsqlConnection(connection);
        c.Open();
        _connections.Add(c);
        return c.BeginBinaryImport($"COPY {table} ({Common}, {columns}) FROM STDIN (FORMAT BINARY)");
    }

    public void Case(CaseRow row)
    {
        var e = IndicatorRowMapper.ToEntity(row, _computedAt);
        Start(_case, e);
        Int(_case, e.Received);
        Int(_case, e.DecisionOn);
        Bool(_case, e.DecidedToAssess);
        Int(_case, e.DecidedNotToIssueOn);
        Int(_case, e.PlanIssued);
        Bool(_case, e.ExceptionsApply);
        Bool(_case, e.TribunalAppeal);
        Counts[0]++;
    }

    public void Plan(PlanRow row)
    {
        var e = IndicatorRowMapper.ToEntity(row, _computedAt);
        Start(_plan, e);
        Int(_plan, e.Issued);
        Int(_plan, e.Ceased);
        Text(_plan, e.CeaseReason);
        Bool(_plan, e.OutOfArea);
        Bool(_plan, e.PersonalBudget);
        Bool(_plan, e.DirectPayment);
        Counts[1]++;
    }

    public void Review(ReviewRow row)
    {
        var e = IndicatorRowMapper.ToEntity(row, _computedAt);
        Start(_review, e);
        Int(_review, e.Due);
        Int(_review, e.Held);
        Bool(_review, e.Cancelled);
        Counts[2]++;
    }

    public void Outcome(OutcomeRow row)
    {
        var e = IndicatorRowMapper.ToEntity(row, _computedAt);
        Start(_outcome, e);
        Text(_outcome, e.Achievement);
        Int(_outcome, e.AssessedOn);
        Counts[3]++;
    }

    public void Wait(WaitRow row)
    {
        var e = IndicatorRowMapper.ToEntity(row, _computedAt);
        Start(_wait, e);
        Bool(_wait, e.AutismAssessment);
        Int(_wait, e.Referred);
        Int(_wait, e.FirstContact);
        Counts[4]++;
    }

    /// <summary>Ends every COPY (the rows become visible only now) and closes the connections.</summary>
    public async Task CompleteAsync()
    {
        foreach (var importer in new[] { _case, _plan, _review, _outcome, _wait }) await importer.CompleteAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var importer in new[] { _case, _plan, _review, _outcome, _wait }) await importer.DisposeAsync();
        foreach (var c in _connections) await c.DisposeAsync();
    }

    private static void Start(NpgsqlBinaryImporter w, IndicatorRowEntity e)
    {
        w.StartRow();
        Text(w, e.ChildId);
        Text(w, e.RowId);
        Text(w, e.LaCode);
        Int(w, e.BirthDay);
        Int(w, e.BirthYear);
        Int(w, e.BirthMonthDay);
        Text(w, e.Sex);
        Text(w, e.Ethnicity);
        Text(w, e.PrimaryNeed);
        Text(w, e.SettingType);
        w.Write(e.ComputedAt, NpgsqlDbType.Bigint);
    }

    private static void Text(NpgsqlBinaryImporter w, string? v)
    {
        if (v is null) w.WriteNull();
        else w.Write(v, NpgsqlDbType.Varchar);
    }

    private static void Int(NpgsqlBinaryImporter w, int? v)
    {
        if (v is { } x) w.Write(x, NpgsqlDbType.Integer);
        else w.WriteNull();
    }

    private static void Bool(NpgsqlBinaryImporter w, bool? v)
    {
        if (v is { } x) w.Write(x, NpgsqlDbType.Boolean);
        else w.WriteNull();
    }
}
