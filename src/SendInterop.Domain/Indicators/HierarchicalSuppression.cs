namespace SendInterop.Domain.Indicators;

/// <summary>
/// Small-number suppression decided over the whole geography at once, so that no set of published reports (an LA, its
/// neighbours, their region, England; the total and every stratifier) lets a withheld count be worked out by addition
/// or subtraction. Suppressing each report on its own is not enough: a region is the sum of its LAs, so an LA's
/// withheld count is the region's figure minus the other LAs' (docs/indicators.md, "Small-number suppression").
///
/// <para>The figures of one indicator and period form a table of cells (area × stratum × population) tied by additive
/// relations an outsider knows: a parent area is the sum of its children (England = regions + the rest of England,
/// region = its LAs), a total is the sum of each stratifier's strata, and a count is the sum of its parts (denominator
/// = exclusions + numerator + complement; initial population = denominator + the rest). The complement and the other
/// remainders are never published but are there to be worked out.</para>
///
/// <para>Rules: every published count from 1 to 5 is withheld (primary); a numerator whose complement is 1 to 5 is
/// withheld (complement). Then the table is attacked as a reader would attack it: repeatedly solve any relation with
/// exactly one unknown cell. Whenever that reveals a count from 1 to 5 (published and withheld, or a complement), or a
/// set of withheld cells adding up to 1 to 5, one more cell of the relation that gave it away is withheld (secondary),
/// and the attack starts again, until it reveals nothing. The cell chosen is the one that costs least: preferably one
/// that the other relations it is in cannot give back, a part before a whole (an LA before its region), the smallest,
/// then the first.</para>
///
/// <para>Decisions are made group by group so that an LA's report needs only its region's rows: first each group
/// (a region with its LAs, or the rest of England) on its own data; then England with every group's decisions fixed,
/// where only England's own cells may be withheld. A group's decisions depend on nothing outside it, so every report
/// (LA, region, England, any stratifier) applies the same decision to the same cell.</para>
///
/// <para>What this does not cover: differences between periods or between evaluations at different times (a count
/// that changed by 1 to 5), and attacks that combine several relations at once rather than solving them one by one.</para>
/// </summary>
public static class HierarchicalSuppression
{
    /// <summary>
    /// Names the rules <see cref="Decide"/> applies. Decisions are stored under a hash that includes it
    /// (Storage.Indicators.StoredDecisions), so changing the rules must change this, or decisions made by the old rules
    /// would keep being served until the counts they were made from change.
    /// </summary>
    public const string Version = "hierarchical-suppression-2026-11-26";

    /// <param name="indicator">The indicator evaluated.</param>
    /// <param name="hierarchy">Regions and their LAs.</param>
    /// <param name="scope">What to decide: England (every group, then England), or one region (that group alone).</param>
    /// <param name="leaves">Counts per leaf (LA code or "unknown") of every leaf with rows in the scope; strata of the local-authority stratifier are ignored.</param>
    public static SuppressionDecisions Decide(IndicatorDefinition indicator, GeographyHierarchy hierarchy, ReportSubject scope,
        IReadOnlyDictionary<string, IndicatorResult> leaves)
    {
        ArgumentNullException.ThrowIfNull(indicator);
        ArgumentNullException.ThrowIfNull(hierarchy);
        ArgumentNullException.ThrowIfNull(leaves);
        var layoutBase = Layout.Of(indicator);
        var groups = leaves.Keys.GroupBy(hierarchy.GroupOf)
            .ToDictionary(g => g.Key, g => g.Order(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        var national = scope.Level == GeographyLevel.National;
        if (!national && scope.Level != GeographyLevel.Regional) throw new ArgumentException("The scope is England or a region.", nameof(scope));

        var withheld = new Dictionary<(string, string, string, PopulationKind), SuppressionReason>();
        var byCell = new Dictionary<(string Area, string Stratifier, string Stratum, int Slot), SuppressionReason>();
        var groupKnown = new Dictionary<(string Area, string Stratifier, string Stratum, int Slot), bool>();
        foreach (var (group, members) in groups.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            if (!national && group != scope.Code) continue;
            // Each group alone, laid out from its own leaves only: the same decisions whatever else is being decided.
            var system = new CellSystem(layoutBase.WithColumns(indicator, members.Select(l => leaves[l])), group, members, leaves);
            system.Protect(area => true, byCell);
            system.Collect(area => true, byCell);
            system.ExportTop(groupKnown);
        }

        if (national)
        {
            // England over the groups' own figures. What a reader could not work out of a group's figures from the group's
            // reports must stay so with England's reports beside them; then nothing new reaches the group's LAs either,
            // and the LAs' cells need not be in this system (a national system of every LA's cells costs ten times more).
            var all = groups.Keys.Order(StringComparer.Ordinal).ToList();
            var sums = all.ToDictionary(g => g, g => Sum(indicator, groups[g].Select(l => leaves[l])), StringComparer.Ordinal);
            var system = new CellSystem(layoutBase.WithColumns(indicator, leaves.Values), ReportSubject.EnglandCode, all, sums);
            system.StartFrom(groupKnown);
            system.Protect(area => area == ReportSubject.EnglandCode, byCell);
            system.Collect(area => area == ReportSubject.EnglandCode, byCell);
        }

        foreach (var ((area, stratifier, stratum, slot), reason) in byCell)
        {
            if (layoutBase.Slots[slot].Kind is { } kind) withheld[(area, stratifier, stratum, kind)] = reason;
        }

        return new SuppressionDecisions(withheld);
    }

    /// <summary>The counts of several leaves added up, total and strata.</summary>
    private static IndicatorResult Sum(IndicatorDefinition indicator, IEnumerable<IndicatorResult> parts)
    {
        static Dictionary<PopulationKind, int> Add(Dictionary<PopulationKind, int> into, PopulationResult part)
        {
            foreach (var (kind, n) in part.Counts) into[kind] = into.GetValueOrDefault(kind) + n;
            return into;
        }

        var list = parts.ToList();
        var total = new Dictionary<PopulationKind, int>();
        foreach (var part in list) Add(total, part.Total);
        var stratifiers = indicator.Stratifiers.Where(s => s.Code != Stratifiers.LocalAuthority.Code).Select(s => new StratifierResult(s,
            list.SelectMany(p => p.Stratifiers.Where(x => x.Stratifier.Code == s.Code).SelectMany(x => x.Strata))
                .GroupBy(x => x.Value, StringComparer.Ordinal)
                .Select(g => new StratumResult(g.Key, new PopulationResult(g.Aggregate(new Dictionary<PopulationKind, int>(), (d, x) => Add(d, x.Result)), null)))
                .ToList())).ToList();
        return new IndicatorResult(indicator, list[0].Period, ReportSubject.England, new PopulationResult(total, null), stratifiers);
    }

    /// <summary>A population slot: a published population, or a remainder nobody publishes but anyone can work out.</summary>
    private sealed record Slot(PopulationKind? Kind, bool Sensitive, bool KnownZero);

    /// <summary>Whole = sum of parts, within one cell (area × stratum).</summary>
    private sealed record Split(int Whole, int[] Parts);

    private sealed record Layout(IReadOnlyList<Slot> Slots, IReadOnlyList<Split> Splits, IReadOnlyList<(string Stratifier, string Stratum)> Columns,
        IReadOnlyList<int[]> Rows)
    {
        public static Layout Of(IndicatorDefinition indicator)
        {
            var slots = new List<Slot>();
            var splits = new List<Split>();
            int Published(PopulationKind kind)
            {
                slots.Add(new Slot(kind, false, false));
                return slots.Count - 1;
            }

            int Remainder(bool sensitive, bool knownZero)
            {
                slots.Add(new Slot(null, sensitive, knownZero));
                return slots.Count - 1;
            }

            // A remainder whole − part is zero by definition when both have the same criteria (plans in place as
            // initial population and denominator): a reader knows that, so it is known, not hidden.
            bool Same(PopulationKind a, PopulationKind b) =>
                indicator.Population(a)!.AllOf.Select(p => p.Name).Order().SequenceEqual(indicator.Population(b)!.AllOf.Select(p => p.Name).Order());

            void Contains(int whole, int part) =>
                splits.Add(new Split(whole, [part, Remainder(false, Same(slots[whole].Kind!.Value, slots[part].Kind!.Value))]));

            var ip = Published(PopulationKind.InitialPopulation);
            bool Has(PopulationKind kind) => indicator.Population(kind) is not null;
            switch (indicator.Scoring)
            {
                case IndicatorScoring.Proportion:
                {
                    var den = Published(PopulationKind.Denominator);
                    int? excl = Has(PopulationKind.DenominatorExclusion) ? Published(PopulationKind.DenominatorExclusion) : null;
                    var num = Published(PopulationKind.Numerator);
                    Contains(ip, den);
                    // The complement: denominator − exclusions − numerator, the ones who did not meet the measure.
                    var complement = Remainder(true, false);
                    splits.Add(new Split(den, excl is { } e ? [e, num, complement] : [num, complement]));
                    break;
                }

                case IndicatorScoring.Ratio:
                    Contains(ip, Published(PopulationKind.Numerator));
                    if (!indicator.ExternalDenominator) Contains(ip, Published(PopulationKind.Denominator));
                    break;
                case IndicatorScoring.ContinuousVariable:
                {
                    var mp = Published(PopulationKind.MeasurePopulation);
                    Contains(ip, mp);
                    if (Has(PopulationKind.MeasurePopulationExclusion)) Contains(mp, Published(PopulationKind.MeasurePopulationExclusion));
                    break;
                }
            }

            return new Layout(slots, splits, [], []);
        }

        /// <summary>The columns: the total, then every stratum any of these leaves has, stratifier by stratifier, in ordinal order.</summary>
        public Layout WithColumns(IndicatorDefinition indicator, IEnumerable<IndicatorResult> leaves)
        {
            var list = leaves.ToList();
            var columns = new List<(string, string)> { ("", "") };
            var rows = new List<int[]>();
            foreach (var stratifier in indicator.Stratifiers.Where(s => s.Code != Stratifiers.LocalAuthority.Code))
            {
                var values = list.SelectMany(l => l.Stratifiers.Where(s => s.Stratifier.Code == stratifier.Code).SelectMany(s => s.Strata).Select(s => s.Value))
                    .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                rows.Add(Enumerable.Range(columns.Count, values.Count).ToArray());
                columns.AddRange(values.Select(v => (stratifier.Code, v)));
            }

            return this with { Columns = columns, Rows = rows };
        }
    }

    /// <summary>The cells of one area tree and the relations between them, with what is withheld so far.</summary>
    private sealed class CellSystem
    {
        private readonly Layout _layout;
        private readonly List<string> _areas = [];
        private readonly List<int> _parent = [];
        private readonly int[] _value;
        private readonly SuppressionReason?[] _withheld;
        private readonly List<int[]> _relations = [];
        private readonly List<bool> _isSplit = [];
        private readonly List<int>[] _relationsOf;

        /// <param name="top">The parent area: a group, or England.</param>
        /// <param name="areas">Its children: a group's leaves, or England's groups.</param>
        /// <param name="data">The children's counts.</param>
        public CellSystem(Layout layout, string top, IReadOnlyList<string> areas, IReadOnlyDictionary<string, IndicatorResult> data)
        {
            _layout = layout;
            Add(top, -1);
            foreach (var child in areas) Add(child, 0);

            var size = _areas.Count * Columns * Slots;
            _value = new int[size];
            _withheld = new SuppressionReason?[size];
            var children = Enumerable.Range(0, _areas.Count).Select(_ => new List<int>()).ToList();
            for (var a = 1; a < _areas.Count; a++) children[_parent[a]].Add(a);

            for (var a = 0; a < _areas.Count; a++)
            {
                if (children[a].Count == 0 && data.TryGetValue(_areas[a], out var leafData)) Fill(a, leafData);
            }

            for (var a = _areas.Count - 1; a > 0; a--)
            {
                for (var k = 0; k < Columns * Slots; k++) _value[_parent[a] * Columns * Slots + k] += _value[a * Columns * Slots + k];
            }

            for (var a = 0; a < _areas.Count; a++)
            {
                for (var c = 0; c < Columns; c++)
                {
                    for (var s = 0; s < Slots; s++)
                    {
                        if (children[a].Count > 0) Relate([Cell(a, c, s), .. children[a].Select(ch => Cell(ch, c, s))], false);
                    }

                    foreach (var split in _layout.Splits) Relate([Cell(a, c, split.Whole), .. split.Parts.Select(p => Cell(a, c, p))], true);
                }

                foreach (var row in _layout.Rows.Where(r => r.Length > 0))
                {
                    for (var s = 0; s < Slots; s++) Relate([Cell(a, 0, s), .. row.Select(c => Cell(a, c, s))], false);
                }
            }

            Classify();
            _relationsOf = Enumerable.Range(0, size).Select(_ => new List<int>()).ToArray();
            for (var r = 0; r < _relations.Count; r++)
            {
                foreach (var cell in _relations[r]) _relationsOf[cell].Add(r);
            }
        }

        private int Columns => _layout.Columns.Count;

        private int Slots => _layout.Slots.Count;

        private int Cell(int area, int column, int slot) => (area * Columns + column) * Slots + slot;

        private (int Area, int Column, int Slot) Unpack(int cell) => (cell / (Columns * Slots), cell / Slots % Columns, cell % Slots);

        private int Add(string area, int parent)
        {
            _areas.Add(area);
            _parent.Add(parent);
            return _areas.Count - 1;
        }

        private void Relate(int[] members, bool split)
        {
            _relations.Add(members);
            _isSplit.Add(split);
        }

        private void Fill(int area, IndicatorResult data)
        {
            void Counts(int column, PopulationResult result)
            {
                for (var s = 0; s < Slots; s++)
                {
                    if (_layout.Slots[s].Kind is { } kind) _value[Cell(area, column, s)] = result.Count(kind);
                }

                foreach (var split in _layout.Splits)
                {
                    var last = split.Parts[^1];
                    _value[Cell(area, column, last)] = _value[Cell(area, column, split.Whole)] - split.Parts[..^1].Sum(p => _value[Cell(area, column, p)]);
                }
            }

            Counts(0, data.Total);
            for (var c = 1; c < Columns; c++)
            {
                var (stratifier, stratum) = _layout.Columns[c];
                var found = data.Stratifiers.FirstOrDefault(s => s.Stratifier.Code == stratifier)?.Strata.FirstOrDefault(s => s.Value == stratum);
                if (found is not null) Counts(c, found.Result);
            }
        }

        private bool Published(int cell) => _published[cell];

        private bool Shown(int cell) => _published[cell] && _withheld[cell] is null;

        /// <summary>A count from 1 to 5 a reader must not learn (a published one, or a complement), or a child's cell its own reports keep unknown.</summary>
        private bool Sensitive(int cell) =>
            (SmallNumberSuppression.IsSmall(_value[cell]) && (Published(cell) || _layout.Slots[cell % Slots].Sensitive))
            || _before[cell] == 0;

        /// <summary>Per cell: -1, or 0/1 when the reader's knowledge of it comes from a child's own system (<see cref="StartFrom"/>).</summary>
        private int[] _before = [];

        /// <summary>
        /// Children's cells as a reader knows them from the children's own reports (<see cref="ExportTop"/> of each
        /// child's system): what was known stays known, and what was not must stay unknown.
        /// </summary>
        public void StartFrom(Dictionary<(string, string, string, int), bool> known)
        {
            for (var cell = 0; cell < _value.Length; cell++)
            {
                var (area, column, slot) = Unpack(cell);
                var (stratifier, stratum) = _layout.Columns[column];
                if (area > 0 && known.TryGetValue((_areas[area], stratifier, stratum, slot), out var k)) _before[cell] = k ? 1 : 0;
            }
        }

        /// <summary>What a reader knows of the top area's cells once everything is decided (after <see cref="Protect"/>).</summary>
        public void ExportTop(Dictionary<(string, string, string, int), bool> known)
        {
            for (var column = 0; column < Columns; column++)
            {
                var (stratifier, stratum) = _layout.Columns[column];
                for (var slot = 0; slot < Slots; slot++) known[(_areas[0], stratifier, stratum, slot)] = _known[Cell(0, column, slot)];
            }
        }

        /// <summary>Unpublished cells a reader knows without working anything out: remainders zero by definition, anything in an empty cell.</summary>
        private bool[] _virtualKnown = [];

        private bool[] _published = [];

        /// <summary>Known to a reader before any working out: shown counts, remainders zero by definition, anything in an empty cell.</summary>
        private bool KnownAtOutset(int cell) =>
            _before[cell] >= 0 ? _before[cell] == 1 : _published[cell] ? _withheld[cell] is null : _virtualKnown[cell];

        private void Classify()
        {
            _before = new int[_value.Length];
            Array.Fill(_before, -1);
            _published = new bool[_value.Length];
            _virtualKnown = new bool[_value.Length];
            for (var cell = 0; cell < _value.Length; cell++)
            {
                var (area, column, slot) = Unpack(cell);
                _published[cell] = _layout.Slots[slot].Kind is not null;
                _virtualKnown[cell] = !_published[cell] && (_layout.Slots[slot].KnownZero || _value[Cell(area, column, 0)] == 0);
            }
        }

        /// <summary>Withholds until the attack reveals nothing; only cells of areas <paramref name="mayWithhold"/> accepts are added.</summary>
        public void Protect(Func<string, bool> mayWithhold, Dictionary<(string, string, string, int), SuppressionReason> decided)
        {
            for (var cell = 0; cell < _value.Length; cell++)
            {
                var (area, column, slot) = Unpack(cell);
                var (stratifier, stratum) = _layout.Columns[column];
                if (decided.TryGetValue((_areas[area], stratifier, stratum, slot), out var reason)) _withheld[cell] = reason;
            }

            bool Allowed(int cell) => mayWithhold(_areas[Unpack(cell).Area]);
            for (var cell = 0; cell < _value.Length; cell++)
            {
                if (Allowed(cell) && Published(cell) && SmallNumberSuppression.IsSmall(_value[cell])) _withheld[cell] = SuppressionReason.Primary;
            }

            // Complement: a numerator beside a small complement is withheld (its denominator and exclusions stay shown).
            var proportion = _layout.Splits.FirstOrDefault(s => _layout.Slots[s.Parts[^1]].Sensitive);
            if (proportion is not null)
            {
                var numerator = proportion.Parts[^2];
                for (var a = 0; a < _areas.Count; a++)
                {
                    for (var c = 0; c < Columns; c++)
                    {
                        var num = Cell(a, c, numerator);
                        if (Allowed(num) && Shown(num) && _value[num] > 0 && SmallNumberSuppression.IsSmall(_value[Cell(a, c, proportion.Parts[^1])]))
                            _withheld[num] = SuppressionReason.Complement;
                    }
                }
            }

            while (Attack() is { } leak)
            {
                if (!Fix(leak.Relation, leak.Target, Allowed, 0))
                    throw new InvalidOperationException("Small-number suppression could not protect a count; refusing to publish.");
            }
        }

        public void Collect(Func<string, bool> areas, Dictionary<(string, string, string, int), SuppressionReason> decided)
        {
            for (var cell = 0; cell < _value.Length; cell++)
            {
                var (area, column, slot) = Unpack(cell);
                if (_withheld[cell] is not { } reason || !areas(_areas[area])) continue;
                var (stratifier, stratum) = _layout.Columns[column];
                decided[(_areas[area], stratifier, stratum, slot)] = reason;
            }
        }

        private bool[] _known = [];
        private int[] _derivedBy = [];

        /// <summary>
        /// The reader's attack: solve relations with one unknown until none is left. Returns the first relation that
        /// reveals a sensitive count (Target: that cell) or shows withheld parts adding up to 1-5 (Target: -1).
        /// </summary>
        private (int Relation, int Target)? Attack()
        {
            var n = _value.Length;
            if (_known.Length != n)
            {
                _known = new bool[n];
                _derivedBy = new int[n];
                _unknown = new int[_relations.Count];
            }

            for (var cell = 0; cell < n; cell++)
            {
                _known[cell] = KnownAtOutset(cell);
                _derivedBy[cell] = -1;
            }

            var queue = new Queue<int>();
            for (var r = 0; r < _relations.Count; r++)
            {
                var count = 0;
                foreach (var c in _relations[r])
                {
                    if (!_known[c]) count++;
                }

                _unknown[r] = count;
                if (count == 1) queue.Enqueue(r);
            }

            // The propagation runs to the end even after a leak: Fix chooses its cell from everything a reader can work out.
            var leak = -1;
            while (queue.Count > 0)
            {
                var r = queue.Dequeue();
                if (_unknown[r] != 1) continue;
                var cell = FirstUnknown(_relations[r]);
                _known[cell] = true;
                _derivedBy[cell] = r;
                if (leak < 0 && Sensitive(cell)) leak = cell;
                foreach (var other in _relationsOf[cell])
                {
                    if (--_unknown[other] == 1) queue.Enqueue(other);
                }
            }

            if (leak >= 0) return (_derivedBy[leak], leak);

            for (var r = 0; r < _relations.Count; r++)
            {
                var members = _relations[r];
                if (_unknown[r] < 2 || !_known[members[0]]) continue;
                // The whole is known, so the unknown parts add up to whole − known parts: that sum must not be 1-5 either.
                var sum = _value[members[0]];
                for (var i = 1; i < members.Length; i++)
                {
                    if (_known[members[i]]) sum -= _value[members[i]];
                }

                if (SmallNumberSuppression.IsSmall(sum)) return (r, -1);
            }

            return null;
        }

        private int[] _unknown = [];

        private int FirstUnknown(int[] members)
        {
            foreach (var c in members)
            {
                if (!_known[c]) return c;
            }

            throw new InvalidOperationException("A relation counted one unknown cell but has none.");
        }

        /// <summary>
        /// Stops <paramref name="relation"/> giving <paramref name="target"/> away. First, when a withheld count of the
        /// relation was itself worked out elsewhere, that is where protection is missing: mend it there. Otherwise
        /// withhold one more cell of the relation; when none may be, go back to the relations that revealed its other cells.
        /// </summary>
        private bool Fix(int relation, int target, Func<int, bool> allowed, int depth)
        {
            var members = _relations[relation];
            if (depth > 64) return false;
            foreach (var cell in members)
            {
                if (cell != target && Published(cell) && _withheld[cell] is not null && _derivedBy[cell] >= 0
                    && Fix(_derivedBy[cell], cell, allowed, depth + 1)) return true;
            }

            var best = -1;
            (int, int, int, int) bestKey = default;
            for (var i = 0; i < members.Length; i++)
            {
                var cell = members[i];
                if (cell == target || !Shown(cell) || _value[cell] <= 0 || !allowed(cell)) continue;
                var key = (Exposed(cell, relation), i == 0 ? 1 : 0, _value[cell], cell);
                if (best < 0 || key.CompareTo(bestKey) < 0) (best, bestKey) = (cell, key);
            }

            if (best >= 0)
            {
                var complement = target >= 0 && _isSplit[relation] && _layout.Slots[target % Slots].Sensitive;
                _withheld[best] = complement ? SuppressionReason.Complement : SuppressionReason.Secondary;
                return true;
            }

            foreach (var cell in members)
            {
                if (cell != target && !Published(cell) && _derivedBy[cell] >= 0 && Fix(_derivedBy[cell], cell, allowed, depth + 1)) return true;
            }

            return false;
        }

        /// <summary>How many other relations of a cell would give it straight back if it were withheld.</summary>
        private int Exposed(int cell, int except)
        {
            var exposed = 0;
            foreach (var r in _relationsOf[cell])
            {
                if (r != except && !_relations[r].Any(c => c != cell && !_known[c])) exposed++;
            }

            return exposed;
        }
    }
}
