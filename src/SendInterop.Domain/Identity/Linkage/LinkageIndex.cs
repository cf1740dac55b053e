using SendInterop.Domain.Identity.Linkage.Blocking;
using SendInterop.Domain.Identity.Linkage.Scoring;
using SendInterop.Domain.Identity.Linkage.Training;

namespace SendInterop.Domain.Identity.Linkage;

/// <summary>
/// Existing records held for matching new ones one at a time: the path of a Patient arriving at the gateway
/// (<c>Patient/$match</c>, or linking on create). Blocks are kept as hash maps per rule, so a match compares the new
/// record only with records sharing a blocking key, and term frequencies grow as records are added.
/// Records can be removed (a deleted Patient) and replaced (an updated one: <see cref="Remove"/>, then
/// <see cref="Add"/>), so the index follows the store without being built again: a rebuild reads and parses every
/// stored Patient, and doing that on every update or delete made the write path's cost grow with the store
/// (docs/performance.md, "Session 17"). A removed record's slot stays empty until the empty slots outnumber the live
/// ones; then the index is laid out again from the live records, in memory.
/// Thread-safe: many concurrent matches, one writer at a time.
/// </summary>
public sealed class LinkageIndex
{
    private readonly LinkageModel _model;
    private readonly LinkageOptions _options;
    private readonly IReadOnlyList<BlockingRule> _rules;
    private readonly List<PreparedRecord> _records = [];
    private readonly Dictionary<string, int> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>>[] _blocks;
    private readonly TermFrequencyTable?[] _termFrequencies;
    private readonly ReaderWriterLockSlim _lock = new();
    private PairScorer? _scorer; // rebuilt after adds and removals: λ is rescaled to the index size

    /// <summary>The index is laid out again once its empty slots number more than this and more than its live records.</summary>
    private const int CompactAfter = 1024;

    internal LinkageIndex(LinkageModel model, LinkageOptions options, IReadOnlyList<BlockingRule> rules)
    {
        _model = model;
        _options = options;
        _rules = rules;
        _blocks = new Dictionary<string, List<int>>[rules.Count];
        for (var r = 0; r < rules.Count; r++)
        {
            _blocks[r] = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        }
        _termFrequencies = TermFrequencyTable.Build(model.Comparisons, []);
    }

    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _byId.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>Adds a record (or replaces nothing: an id already present is refused).</summary>
    public void Add(LinkageRecord record)
    {
        _lock.EnterWriteLock();
        try
        {
            if (_byId.ContainsKey(record.Id))
            {
                throw new ArgumentException($"Record '{record.Id}' is already in the index.", nameof(record));
            }
            AddUnlocked(record);
            _scorer = null;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Removes the record with this id; false when it is not in the index.</summary>
    public bool Remove(string id)
    {
        _lock.EnterWriteLock();
        try
        {
            if (!_byId.Remove(id, out var index))
            {
                return false;
            }
            var prepared = _records[index];
            for (var r = 0; r < _rules.Count; r++)
            {
                if (_rules[r].Key(prepared) is { } key && _blocks[r].TryGetValue(key, out var members))
                {
                    members.Remove(index);
                    if (members.Count == 0)
                    {
                        _blocks[r].Remove(key);
                    }
                }
            }
            TermFrequencyTable.RemoveRecord(_model.Comparisons, _termFrequencies, prepared);
            _scorer = null;
            var empty = _records.Count - _byId.Count;
            if (empty > CompactAfter && empty > _byId.Count)
            {
                Compact();
            }
            return true;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Under the write lock: the record in a new slot, its blocking keys and its term frequencies.</summary>
    private void AddUnlocked(LinkageRecord record)
    {
        var prepared = PreparedRecord.From(record, _records.Count);
        _records.Add(prepared);
        _byId[record.Id] = prepared.Index;
        for (var r = 0; r < _rules.Count; r++)
        {
            if (_rules[r].Key(prepared) is { } key)
            {
                if (!_blocks[r].TryGetValue(key, out var members))
                {
                    _blocks[r][key] = members = [];
                }
                members.Add(prepared.Index);
            }
        }
        TermFrequencyTable.AddRecord(_model.Comparisons, _termFrequencies, prepared);
    }

    /// <summary>Under the write lock: lays the live records out again, in their order, without the empty slots.</summary>
    private void Compact()
    {
        var live = _byId.Values.Order().Select(i => _records[i].Source).ToList();
        _records.Clear();
        _byId.Clear();
        foreach (var blocks in _blocks)
        {
            blocks.Clear();
        }
        foreach (var table in _termFrequencies)
        {
            table?.Clear();
        }
        foreach (var record in live)
        {
            AddUnlocked(record);
        }
    }

    /// <summary>
    /// The existing records that may be the same child as <paramref name="candidate"/>, best first: every record
    /// sharing a blocking key, scored, kept when at least <paramref name="minimumBand"/>, at most
    /// <paramref name="maxResults"/>. Each result carries its full explanation.
    /// </summary>
    /// <param name="ambiguityGuard">
    /// False leaves the twin guard to the caller (<see cref="GuardAmbiguity"/>), to apply over the candidates it may
    /// disclose: applied over all of them, a hidden twin changes the grade of a visible record.
    /// </param>
    public IReadOnlyList<PairScore> Match(LinkageRecord candidate, int maxResults = 10, MatchBand minimumBand = MatchBand.Review,
        bool includeValues = false, bool ambiguityGuard = true)
    {
        var probe = PreparedRecord.From(candidate, -1);
        _lock.EnterReadLock();
        try
        {
            var scorer = Scorer();
            var seen = new HashSet<int>();
            for (var r = 0; r < _rules.Count; r++)
            {
                if (_rules[r].Key(probe) is { } key && _blocks[r].TryGetValue(key, out var members) && members.Count <= _options.MaxBlockSize)
                {
                    seen.UnionWith(members);
                }
            }
            var found = new List<(double Weight, int Index)>();
            Span<byte> levels = stackalloc byte[scorer.ComparisonCount];
            foreach (var i in seen)
            {
                var existing = _records[i];
                if (existing.Id == candidate.Id)
                {
                    continue;
                }
                scorer.ComputeLevels(probe, existing, levels);
                var weight = scorer.Weight(probe, existing, levels);
                if (scorer.Band(probe, existing, levels, weight, out _) >= minimumBand)
                {
                    found.Add((weight, i));
                }
            }
            found.Sort((x, y) => y.Weight.CompareTo(x.Weight));
            var results = new List<PairScore>(Math.Min(maxResults, found.Count));
            for (var k = 0; k < found.Count && k < maxResults; k++)
            {
                results.Add(scorer.Explain(probe, _records[found[k].Index], includeValues));
            }
            if (ambiguityGuard)
            {
                Demote(probe, results, results.Select((_, k) => found[k].Index).ToList(), scorer);
            }
            return results;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// The twin guard over <paramref name="scores"/> only (scores of <paramref name="candidate"/> from
    /// <see cref="Match"/> without the guard, reduced to those the caller may disclose): when the probe has no given name
    /// and auto-links to two of them that must stay apart, both are demoted to review. Records no longer indexed are passed over.
    /// </summary>
    public IReadOnlyList<PairScore> GuardAmbiguity(LinkageRecord candidate, IReadOnlyList<PairScore> scores)
    {
        var probe = PreparedRecord.From(candidate, -1);
        _lock.EnterReadLock();
        try
        {
            var results = scores.ToList();
            var indices = results.Select(s => _byId.TryGetValue(s.RightId, out var i) ? i : -1).ToList();
            Demote(probe, results, indices, Scorer());
            return results;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>No given name and auto-links to two records that must stay apart (twin A and twin B): ambiguous, so review.</summary>
    private void Demote(PreparedRecord probe, List<PairScore> results, IReadOnlyList<int> indices, PairScorer scorer)
    {
        var autoLinked = new List<int>();
        for (var k = 0; k < results.Count; k++)
        {
            if (results[k].Band == MatchBand.AutoLink && indices[k] >= 0)
            {
                autoLinked.Add(indices[k]);
            }
        }
        if (autoLinked.Count > 1 && probe.Given is null && Clustering.AmbiguityGuard.HasConflict(_records, autoLinked, scorer))
        {
            for (var k = 0; k < results.Count; k++)
            {
                if (results[k].Band == MatchBand.AutoLink)
                {
                    results[k] = results[k] with { Band = MatchBand.Review, Rules = [.. results[k].Rules, Clustering.AmbiguityGuard.Rule] };
                }
            }
        }
    }

    /// <summary>Why two indexed records score as they do (for a review task or an audit of a link).</summary>
    public PairScore Explain(string leftId, string rightId, bool includeValues = false)
    {
        _lock.EnterReadLock();
        try
        {
            var left = _records[_byId.TryGetValue(leftId, out var l) ? l : throw new KeyNotFoundException(leftId)];
            var right = _records[_byId.TryGetValue(rightId, out var r) ? r : throw new KeyNotFoundException(rightId)];
            return Scorer().Explain(left, right, includeValues);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Why a new record scores as it does against an indexed one.</summary>
    public PairScore Explain(LinkageRecord candidate, string existingId, bool includeValues = false)
    {
        var probe = PreparedRecord.From(candidate, -1);
        _lock.EnterReadLock();
        try
        {
            var existing = _records[_byId.TryGetValue(existingId, out var e) ? e : throw new KeyNotFoundException(existingId)];
            return Scorer().Explain(probe, existing, includeValues);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    // Called under the read lock; a benign race may build two equal scorers.
    private PairScorer Scorer() =>
        _scorer ??= new PairScorer(_model.ForRecordCount(Math.Max(2, _byId.Count)), _termFrequencies, _options);
}
