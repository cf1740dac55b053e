using SendInterop.Domain.Identity.Linkage.Comparisons;

namespace SendInterop.Domain.Identity.Linkage.Training;

/// <summary>
/// How often each value of one field occurs among the records (non-missing values only). For an exact match on value
/// v, the chance that two different people share it is about the frequency of v rather than the field's average u,
/// so the scorer adds log2(u_exact / tf(v)): negative for SMITH, positive for a rare name. Counted from the data the
/// engine links (the index grows it as records are added), never from a fixed national table.
/// </summary>
public sealed class TermFrequencyTable
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    public int Total { get; private set; }

    public int DistinctValues => _counts.Count;

    public void Add(string? value)
    {
        if (value is null)
        {
            return;
        }
        _counts[value] = _counts.GetValueOrDefault(value) + 1;
        Total++;
    }

    /// <summary>Takes back one <see cref="Add"/> of the value (a record left the index).</summary>
    public void Remove(string? value)
    {
        if (value is null || !_counts.TryGetValue(value, out var count))
        {
            return;
        }
        if (count > 1)
        {
            _counts[value] = count - 1;
        }
        else
        {
            _counts.Remove(value);
        }
        Total--;
    }

    public int Count(string value) => _counts.GetValueOrDefault(value);

    /// <summary>Forgets every value (the index is laid out again from its live records).</summary>
    public void Clear()
    {
        _counts.Clear();
        Total = 0;
    }

    /// <summary>The share of records with this value; a value not seen counts as seen once (it is in the pair).</summary>
    public double Frequency(string value) => Total == 0 ? 0 : Math.Max(1, Count(value)) / (double)Total;

    /// <summary>One table per comparison that adjusts a level (null where it does not).</summary>
    public static TermFrequencyTable?[] Build(IReadOnlyList<Comparison> comparisons, IEnumerable<PreparedRecord> records)
    {
        var tables = new TermFrequencyTable?[comparisons.Count];
        for (var c = 0; c < comparisons.Count; c++)
        {
            if (comparisons[c].TermFrequencyLevel >= 0)
            {
                tables[c] = new TermFrequencyTable();
            }
        }
        foreach (var record in records)
        {
            AddRecord(comparisons, tables, record);
        }
        return tables;
    }

    public static void AddRecord(IReadOnlyList<Comparison> comparisons, TermFrequencyTable?[] tables, PreparedRecord record)
    {
        for (var c = 0; c < comparisons.Count; c++)
        {
            tables[c]?.Add(comparisons[c].TermFrequencyValue(record));
        }
    }

    public static void RemoveRecord(IReadOnlyList<Comparison> comparisons, TermFrequencyTable?[] tables, PreparedRecord record)
    {
        for (var c = 0; c < comparisons.Count; c++)
        {
            tables[c]?.Remove(comparisons[c].TermFrequencyValue(record));
        }
    }
}
