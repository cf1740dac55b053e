using System.Globalization;
using System.Linq.Expressions;
using System.Text;
using SearchParamType = Hl7.Fhir.Model.SearchParamType;
using Microsoft.EntityFrameworkCore;
using SendInterop.Domain.Search;
using SendInterop.Storage.Model;

namespace SendInterop.Storage.Search;

/// <summary>
/// Keyset paging: a page is "the next N after this boundary" in (sort value, key) order, not "skip M". Pages
/// therefore stay correct while data changes: nothing is skipped or shown twice because a row was added or
/// removed before the boundary. The cursor in next/previous links is opaque to clients.
/// </summary>
public sealed class KeysetPager(FhirDbContext db)
{
    private sealed record Cursor(bool Backward, string Value, long Key);

    /// <summary>What a client is told about a cursor that is not one of ours (the gateway's seal says the same).</summary>
    public const string InvalidCursorMessage = "The paging cursor is not valid; follow the next/previous links exactly as returned.";

    public async Task<(List<ResourceRecord> Page, string? Next, string? Previous)> PageAsync(
        IQueryable<ResourceRecord> query, string resourceType, SortField? sort, int count, string? cursorText, CancellationToken ct)
    {
        var cursor = Decode(cursorText);
        var key = SortKeyFor(resourceType, sort);
        var backward = cursor?.Backward ?? false;
        // Walking backward reverses the order; the page is flipped back afterwards.
        var desc = (sort?.Descending ?? false) ^ backward;

        if (cursor is not null) query = query.Where(key.After(cursor.Value, cursor.Key, desc));
        var rows = await key.Order(query, desc).Take(count + 1).ToListAsync(ct);
        var more = rows.Count > count;
        if (more) rows.RemoveAt(rows.Count - 1);
        if (backward) rows.Reverse();
        if (rows.Count == 0)
        {
            // Nothing beyond the boundary (rows there were deleted meanwhile). Offer the way back (or forward) from
            // the boundary itself, inclusive of the boundary row: keys are unique, so moving the key one step against
            // the direction of travel includes it.
            if (cursor is null) return (rows, null, null);
            var sortDesc = sort?.Descending ?? false;
            long Inclusive(bool travelDesc) => cursor.Key + (travelDesc ? 1 : -1);
            return backward
                ? (rows, Encode(new Cursor(false, cursor.Value, Inclusive(sortDesc))), null)
                : (rows, null, Encode(new Cursor(true, cursor.Value, Inclusive(!sortDesc))));
        }

        var first = await key.ValueOfAsync(db, rows[0].Key, ct);
        var last = rows.Count == 1 ? first : await key.ValueOfAsync(db, rows[^1].Key, ct);
        string? next = backward || more ? Encode(new Cursor(false, last, rows[^1].Key)) : null;
        string? previous = (backward ? more : cursor is not null) ? Encode(new Cursor(true, first, rows[0].Key)) : null;
        return (rows, next, previous);
    }

    /// <summary>
    /// The cursor that pages on from the row with store key <paramref name="key"/>, exactly as a page ending at that row
    /// links on: forward, the rows after it; <paramref name="backward"/>, the rows before it. For a caller that takes
    /// only part of a page (a filtered page that filled up inside a larger batch).
    /// </summary>
    public async Task<string> CursorAtAsync(string resourceType, SortField? sort, long key, bool backward, CancellationToken ct) =>
        Encode(new Cursor(backward, await SortKeyFor(resourceType, sort).ValueOfAsync(db, key, ct), key));

    private SortKey SortKeyFor(string type, SortField? sort)
    {
        if (sort is null) return SortKey.Long(r => r.Key);
        var name = sort.Param;
        if (name == "_lastUpdated") return SortKey.Long(r => r.LastUpdated);
        if (name == "_id") return SortKey.String(r => r.ResourceId);
        // The sort value of a resource is its smallest indexed value for the parameter (R4 leaves this to the server).
        var p = SearchParameterRegistry.Default.Find(type, name);
        var dates = db.DateIndex;
        var strings = db.StringIndex;
        var tokens = db.TokenIndex;
        return p?.Type switch
        {
            SearchParamType.Date => SortKey.Long(r => dates.Where(d => d.ResourceKey == r.Key && d.Param == name).Min(d => (long?)d.Start) ?? long.MinValue),
            SearchParamType.String => SortKey.String(r => strings.Where(d => d.ResourceKey == r.Key && d.Param == name).Min(d => d.Value) ?? ""),
            SearchParamType.Token => SortKey.String(r => tokens.Where(d => d.ResourceKey == r.Key && d.Param == name).Min(d => d.Code) ?? ""),
            _ => throw new SearchValueException($"_sort by '{name}' is not supported for {type}."),
        };
    }

    private static string Encode(Cursor c) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{(c.Backward ? 'b' : 'f')}|{c.Key}|{c.Value}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>True when the cursor walks backward (a previous link): a caller that refills a filtered page keeps the direction.</summary>
    public static bool IsBackward(string? cursorText) => Decode(cursorText)?.Backward ?? false;

    private static Cursor? Decode(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        try
        {
            var b64 = text.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(b64)).Split('|', 3);
            if (parts.Length == 3 && parts[0] is "f" or "b" && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var key))
                return new Cursor(parts[0] == "b", parts[2], key);
        }
        catch (FormatException) { }
        throw new SearchValueException(InvalidCursorMessage);
    }

    /// <summary>A sort expression over a resource row with its keyset comparison, for long or string values.</summary>
    private abstract class SortKey
    {
        public static SortKey Long(Expression<Func<ResourceRecord, long>> selector) => new LongKey(selector);
        public static SortKey String(Expression<Func<ResourceRecord, string>> selector) => new StringKey(selector);

        public abstract IQueryable<ResourceRecord> Order(IQueryable<ResourceRecord> q, bool desc);
        public abstract Expression<Func<ResourceRecord, bool>> After(string value, long key, bool desc);
        public abstract Task<string> ValueOfAsync(FhirDbContext db, long key, CancellationToken ct);
    }

    private sealed class LongKey(Expression<Func<ResourceRecord, long>> selector) : SortKey
    {
        public override IQueryable<ResourceRecord> Order(IQueryable<ResourceRecord> q, bool desc) =>
            desc ? q.OrderByDescending(selector).ThenByDescending(r => r.Key) : q.OrderBy(selector).ThenBy(r => r.Key);

        public override Expression<Func<ResourceRecord, bool>> After(string value, long key, bool desc)
        {
            if (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
                throw new SearchValueException(InvalidCursorMessage);
            var r = selector.Parameters[0];
            var s = selector.Body;
            var vc = Captured(v);
            var kc = Captured(key);
            var rowKey = Expression.Property(r, nameof(ResourceRecord.Key));
            Expression body = desc
                ? Expression.OrElse(Expression.LessThan(s, vc), Expression.AndAlso(Expression.Equal(s, vc), Expression.LessThan(rowKey, kc)))
                : Expression.OrElse(Expression.GreaterThan(s, vc), Expression.AndAlso(Expression.Equal(s, vc), Expression.GreaterThan(rowKey, kc)));
            return Expression.Lambda<Func<ResourceRecord, bool>>(body, r);
        }

        public override async Task<string> ValueOfAsync(FhirDbContext db, long key, CancellationToken ct) =>
            (await db.Resources.AsNoTracking().Where(x => x.Key == key).Select(selector).FirstAsync(ct)).ToString(CultureInfo.InvariantCulture);
    }

    private sealed class StringKey(Expression<Func<ResourceRecord, string>> selector) : SortKey
    {
        private static readonly System.Reflection.MethodInfo Compare = typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!;

        public override IQueryable<ResourceRecord> Order(IQueryable<ResourceRecord> q, bool desc) =>
            desc ? q.OrderByDescending(selector).ThenByDescending(r => r.Key) : q.OrderBy(selector).ThenBy(r => r.Key);

        public override Expression<Func<ResourceRecord, bool>> After(string value, long key, bool desc)
        {
            var r = selector.Parameters[0];
            var cmp = Expression.Call(Compare, selector.Body, Captured(value));
            var zero = Expression.Constant(0);
            var kc = Captured(key);
            var rowKey = Expression.Property(r, nameof(ResourceRecord.Key));
            Expression body = desc
                ? Expression.OrElse(Expression.LessThan(cmp, zero), Expression.AndAlso(Expression.Equal(cmp, zero), Expression.LessThan(rowKey, kc)))
                : Expression.OrElse(Expression.GreaterThan(cmp, zero), Expression.AndAlso(Expression.Equal(cmp, zero), Expression.GreaterThan(rowKey, kc)));
            return Expression.Lambda<Func<ResourceRecord, bool>>(body, r);
        }

        public override async Task<string> ValueOfAsync(FhirDbContext db, long key, CancellationToken ct) =>
            await db.Resources.AsNoTracking().Where(x => x.Key == key).Select(selector).FirstAsync(ct);
    }

    /// <summary>A value as a captured variable, so EF sends it as a SQL parameter instead of inlining a literal.</summary>
    private static Expression Captured<T>(T value)
    {
        Expression<Func<T>> holder = () => value;
        return holder.Body;
    }
}
