using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using SendInterop.Domain.Indicators;
using SendInterop.Storage.Store;

namespace SendInterop.Storage.Indicators;

/// <summary>An indicator computed by the database, and how fresh the rows it rests on are.</summary>
/// <param name="OldestRow">When the oldest row counted was projected (every counted row is at least this fresh); null when nothing was counted.</param>
/// <param name="NewestRow">When the newest row counted was projected.</param>
public sealed record SqlIndicatorResult(IndicatorResult Result, DateTimeOffset? OldestRow, DateTimeOffset? NewestRow);

/// <summary>The children counted in each population of an indicator (subject-list), before any consent decision.</summary>
public sealed record IndicatorSubjects(IReadOnlyDictionary<PopulationKind, IReadOnlyList<string>> ChildIds);

/// <summary>
/// Evaluates catalogue indicators with one set-based query each over the projection tables (<see cref="IndicatorQuery"/>):
/// the database groups and counts; only the totals and one row per stratum come back. Counting rules are those of the
/// reference <see cref="IndicatorEvaluator"/>, which builds the MeasureReport from the counts returned here, so scores
/// and rounding are computed by the same code. The one deliberate difference: a continuous-variable mean is computed
/// exactly (sum of days ÷ (7 × n), one division) where the reference sums rounded weekly values; the two can differ
/// only when the exact mean lies on a rounding midpoint (x.x5), where this one is the correct half-away-from-zero result.
/// </summary>
public sealed class SqlIndicatorEvaluator(FhirDbContextFactory contexts)
{
    public async Task<SqlIndicatorResult> EvaluateAsync(IndicatorDefinition indicator, ReportingPeriod period, ReportSubject subject,
        long? residentPopulation = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(indicator);
        var query = new IndicatorQuery(indicator, period, subject, groupingSets: contexts.Provider == StorageProvider.Postgres);
        PopulationResult? total = null;
        DateTimeOffset? oldest = null, newest = null;
        var strata = indicator.Stratifiers.ToDictionary(s => s.Code, _ => new List<StratumResult>(), StringComparer.Ordinal);

        await using var db = contexts.Create();
        await using var command = await CommandAsync(db, query.SummarySql(), query.Parameters, ct);
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var stratifier = reader.GetString(0);
                var counts = Counts(indicator, query, reader);
                if (stratifier.Length == 0)
                {
                    total = Result(indicator, query, reader, counts, indicator.ExternalDenominator ? residentPopulation : null);
                    if (Int64OrNull(reader, 10) is { } min) oldest = DateTimeOffset.FromUnixTimeMilliseconds(min);
                    if (Int64OrNull(reader, 11) is { } max) newest = DateTimeOffset.FromUnixTimeMilliseconds(max);
                }
                else
                {
                    strata[stratifier].Add(new StratumResult(reader.GetString(1), Result(indicator, query, reader, counts, null)));
                }
            }
        }

        var stratifiers = indicator.Stratifiers
            .Select(s => new StratifierResult(s, strata[s.Code].OrderBy(r => r.Value, StringComparer.Ordinal).ToList()))
            .ToList();
        return new SqlIndicatorResult(new IndicatorResult(indicator, period, subject, total!, stratifiers), oldest, newest);
    }

    /// <summary>The distinct children (Patient ids) in each population of the total, for a subject-list report.</summary>
    public async Task<IndicatorSubjects> SubjectsAsync(IndicatorDefinition indicator, ReportingPeriod period, ReportSubject subject, CancellationToken ct = default)
    {
        var query = new IndicatorQuery(indicator, period, subject);
        var lists = new Dictionary<PopulationKind, List<string>> { [PopulationKind.InitialPopulation] = [] };
        foreach (var kind in query.CountedKinds) lists[kind] = [];
        await using var db = contexts.Create();
        await using var command = await CommandAsync(db, query.SubjectListSql(), query.Parameters, ct);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (PopulationKinds.FromCode(reader.GetString(0)) is { } kind) lists[kind].Add(reader.GetString(1));
        }

        return new IndicatorSubjects(lists.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value.Order(StringComparer.Ordinal).ToList()));
    }

    private static Dictionary<PopulationKind, int> Counts(IndicatorDefinition indicator, IndicatorQuery query, DbDataReader reader)
    {
        var counts = new Dictionary<PopulationKind, int> { [PopulationKind.InitialPopulation] = Int(reader, 2) };
        foreach (var kind in query.CountedKinds)
        {
            counts[kind] = Int(reader, kind switch
            {
                PopulationKind.Denominator => 3,
                PopulationKind.DenominatorExclusion => 4,
                PopulationKind.Numerator => 5,
                PopulationKind.MeasurePopulation => 6,
                PopulationKind.MeasurePopulationExclusion => 7,
                _ => throw new InvalidOperationException(),
            });
        }

        return counts;
    }

    /// <summary>Scores exactly as the reference scores them (<see cref="IndicatorEvaluator"/>), from the counts.</summary>
    private static PopulationResult Result(IndicatorDefinition indicator, IndicatorQuery query, DbDataReader reader, Dictionary<PopulationKind, int> counts, long? external)
    {
        decimal? score = null;
        switch (indicator.Scoring)
        {
            case IndicatorScoring.Proportion:
                score = Divide(counts[PopulationKind.Numerator], counts[PopulationKind.Denominator] - counts.GetValueOrDefault(PopulationKind.DenominatorExclusion), indicator.Multiplier);
                break;
            case IndicatorScoring.Ratio:
                if (indicator.ExternalDenominator)
                {
                    if (external is { } d) counts[PopulationKind.Denominator] = checked((int)d);
                    else counts.Remove(PopulationKind.Denominator);
                }

                score = counts.TryGetValue(PopulationKind.Denominator, out var den) ? Divide(counts[PopulationKind.Numerator], den, indicator.Multiplier) : null;
                break;
            case IndicatorScoring.ContinuousVariable:
                var n = Int64(reader, 9);
                score = n == 0 ? null : IndicatorEvaluator.Round(Int64(reader, 8) / (query.ObservationDivisor * n));
                break;
        }

        return new PopulationResult(counts, score);
    }

    private static decimal? Divide(long numerator, long denominator, decimal multiplier) =>
        denominator == 0 ? null : IndicatorEvaluator.Round(multiplier * numerator / denominator);

    private static async Task<DbCommand> CommandAsync(FhirDbContext db, string sql, IReadOnlyDictionary<string, object> parameters, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open) await connection.OpenAsync(ct);
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = "@" + name;
            p.Value = value;
            command.Parameters.Add(p);
        }

        return command;
    }

    private static int Int(DbDataReader r, int i) => checked((int)Int64(r, i));

    private static long Int64(DbDataReader r, int i) => r.IsDBNull(i) ? 0 : Convert.ToInt64(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);

    private static long? Int64OrNull(DbDataReader r, int i) => r.IsDBNull(i) ? null : Convert.ToInt64(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
}
