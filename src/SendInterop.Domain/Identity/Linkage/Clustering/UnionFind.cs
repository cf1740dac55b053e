namespace SendInterop.Domain.Identity.Linkage.Clustering;

/// <summary>Disjoint sets with path halving and union by size; also keeps each set's members, for the guard's cross-pair check.</summary>
public sealed class UnionFind
{
    private readonly int[] _parent;
    private readonly List<int>?[] _members;

    public UnionFind(int count)
    {
        _parent = new int[count];
        _members = new List<int>?[count];
        for (var i = 0; i < count; i++)
        {
            _parent[i] = i;
        }
    }

    public int Find(int x)
    {
        while (_parent[x] != x)
        {
            _parent[x] = _parent[_parent[x]];
            x = _parent[x];
        }
        return x;
    }

    /// <summary>The members of the set whose root is <paramref name="root"/>.</summary>
    public IReadOnlyList<int> Members(int root) => _members[root] ?? (IReadOnlyList<int>)[root];

    public int Size(int root) => _members[root]?.Count ?? 1;

    /// <summary>Joins two roots; returns the new root.</summary>
    public int Union(int rootA, int rootB)
    {
        if (rootA == rootB)
        {
            return rootA;
        }
        if (Size(rootA) < Size(rootB))
        {
            (rootA, rootB) = (rootB, rootA);
        }
        var into = _members[rootA] ??= [rootA];
        into.AddRange(Members(rootB));
        _members[rootB] = null;
        _parent[rootB] = rootA;
        return rootA;
    }

    /// <summary>Cluster id per element: the smallest element index in its set (stable across runs).</summary>
    public int[] Labels()
    {
        var labels = new int[_parent.Length];
        var smallest = new Dictionary<int, int>();
        for (var i = 0; i < _parent.Length; i++)
        {
            var root = Find(i);
            if (!smallest.ContainsKey(root))
            {
                smallest[root] = i; // i ascends, so the first seen is the smallest
            }
            labels[i] = smallest[root];
        }
        return labels;
    }
}
