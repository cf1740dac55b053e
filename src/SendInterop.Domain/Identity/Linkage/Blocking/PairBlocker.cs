namespace SendInterop.Domain.Identity.Linkage.Blocking;

/// <summary>
/// Generates the candidate pairs for deduplicating one set of records: the union of every rule's within-block pairs,
/// each pair once. Dedup follows Splink: rule r emits a pair only if no earlier rule put the pair in one (kept)
/// block, which is a comparison of two precomputed key ids, so no pair set is needed.
/// </summary>
public sealed class PairBlocker(IReadOnlyList<BlockingRule> rules, int maxBlockSize)
{
    public IReadOnlyList<BlockingRule> Rules { get; } = rules;

    public CandidatePairs Generate(IReadOnlyList<PreparedRecord> records)
    {
        if (Rules.Count > byte.MaxValue)
        {
            throw new InvalidOperationException("At most 255 blocking rules.");
        }
        var n = records.Count;
        var keyIds = new int[Rules.Count][];
        var kept = new bool[Rules.Count][]; // per rule, per key id: block was small enough to use
        var left = new List<int>(n * 4);
        var right = new List<int>(n * 4);
        var ruleOf = new List<byte>(n * 4);
        var reports = new List<BlockingRuleReport>(Rules.Count);

        for (var r = 0; r < Rules.Count; r++)
        {
            var ids = KeyIds(Rules[r], records, out var blockCount);
            keyIds[r] = ids;
            var sizes = new int[blockCount];
            foreach (var id in ids)
            {
                if (id >= 0)
                {
                    sizes[id]++;
                }
            }
            var keep = new bool[blockCount];
            int skippedBlocks = 0, skippedRecords = 0, largest = 0;
            for (var b = 0; b < blockCount; b++)
            {
                keep[b] = sizes[b] <= maxBlockSize;
                if (!keep[b])
                {
                    skippedBlocks++;
                    skippedRecords += sizes[b];
                }
                largest = Math.Max(largest, sizes[b]);
            }
            kept[r] = keep;

            // Counting sort of record indices by block, then all pairs within each kept block.
            var start = new int[blockCount + 1];
            for (var b = 0; b < blockCount; b++)
            {
                start[b + 1] = start[b] + sizes[b];
            }
            var members = new int[start[blockCount]];
            var fill = (int[])start.Clone();
            for (var i = 0; i < n; i++)
            {
                if (ids[i] >= 0)
                {
                    members[fill[ids[i]]++] = i;
                }
            }
            long added = 0;
            for (var b = 0; b < blockCount; b++)
            {
                if (!keep[b] || sizes[b] < 2)
                {
                    continue;
                }
                for (var x = start[b]; x < start[b + 1]; x++)
                {
                    var i = members[x];
                    for (var y = x + 1; y < start[b + 1]; y++)
                    {
                        var j = members[y];
                        if (CoveredByEarlierRule(keyIds, kept, r, i, j))
                        {
                            continue;
                        }
                        left.Add(i); // members are in index order, so i < j
                        right.Add(j);
                        ruleOf.Add((byte)r);
                        added++;
                    }
                }
            }
            reports.Add(new BlockingRuleReport(Rules[r].Name, Rules[r].Description, added, blockCount, skippedBlocks, skippedRecords, largest));
        }
        return new CandidatePairs(left.ToArray(), right.ToArray(), ruleOf.ToArray(), reports);
    }

    private static bool CoveredByEarlierRule(int[][] keyIds, bool[][] kept, int rule, int i, int j)
    {
        for (var q = 0; q < rule; q++)
        {
            var k = keyIds[q][i];
            if (k >= 0 && k == keyIds[q][j] && kept[q][k])
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Dense block ids per record (-1: no key).</summary>
    private static int[] KeyIds(BlockingRule rule, IReadOnlyList<PreparedRecord> records, out int blockCount)
    {
        var ids = new int[records.Count];
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
        {
            var key = rule.Key(records[i]);
            if (key is null)
            {
                ids[i] = -1;
                continue;
            }
            if (!map.TryGetValue(key, out var id))
            {
                id = map.Count;
                map[key] = id;
            }
            ids[i] = id;
        }
        blockCount = map.Count;
        return ids;
    }
}
