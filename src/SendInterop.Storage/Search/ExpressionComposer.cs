using System.Linq.Expressions;
using SendInterop.Storage.Model;

namespace SendInterop.Storage.Search;

/// <summary>Small helpers for composing LINQ predicates that EF Core translates to EXISTS sub-queries.</summary>
internal static class ExpressionComposer
{
    public static Expression<Func<T, bool>> Or<T>(IEnumerable<Expression<Func<T, bool>>> predicates)
    {
        Expression<Func<T, bool>>? result = null;
        foreach (var p in predicates) result = result is null ? p : Combine(result, p, Expression.OrElse);
        return result ?? (_ => false);
    }

    public static Expression<Func<T, bool>> And<T>(Expression<Func<T, bool>> a, Expression<Func<T, bool>> b) => Combine(a, b, Expression.AndAlso);

    public static Expression<Func<T, bool>> Not<T>(Expression<Func<T, bool>> a) =>
        Expression.Lambda<Func<T, bool>>(Expression.Not(a.Body), a.Parameters);

    private static Expression<Func<T, bool>> Combine<T>(Expression<Func<T, bool>> a, Expression<Func<T, bool>> b, Func<Expression, Expression, BinaryExpression> op)
    {
        var body = op(a.Body, Replace(b.Body, b.Parameters[0], a.Parameters[0]));
        return Expression.Lambda<Func<T, bool>>(body, a.Parameters);
    }

    public static Expression Replace(Expression body, ParameterExpression from, Expression to) => new Replacer(from, to).Visit(body);

    /// <summary>
    /// r => rows.Where(condition).Select(row => row.ResourceKey).Contains(r.Key), i.e. <c>r.Key IN (SELECT ...)</c>.
    /// An uncorrelated IN lets the database start from the index on the index table and look resources up by key;
    /// a correlated EXISTS made SQLite scan every current resource of the type and probe the index for each.
    /// </summary>
    public static Expression<Func<ResourceRecord, bool>> Exists<TRow>(IQueryable<TRow> rows, string resourceType, Expression<Func<TRow, bool>> condition)
    {
        var r = Expression.Parameter(typeof(ResourceRecord), "r");
        // The resource type leads every index on the index tables: without it the sub-query cannot use them.
        var row = condition.Parameters[0];
        Expression<Func<string>> type = () => resourceType;
        var typed = Expression.Lambda<Func<TRow, bool>>(
            Expression.AndAlso(Expression.Equal(Expression.Property(row, "ResourceType"), type.Body), condition.Body), row);
        var keys = KeysOf(rows, typed);
        var contains = Expression.Call(typeof(Queryable), nameof(Queryable.Contains), [typeof(long)], keys, Expression.Property(r, nameof(ResourceRecord.Key)));
        return Expression.Lambda<Func<ResourceRecord, bool>>(contains, r);
    }

    private static Expression KeysOf<TRow>(IQueryable<TRow> rows, Expression<Func<TRow, bool>> condition)
    {
        var where = Expression.Call(typeof(Queryable), nameof(Queryable.Where), [typeof(TRow)], rows.Expression, Expression.Quote(condition));
        var row = Expression.Parameter(typeof(TRow), "row");
        var key = Expression.Lambda<Func<TRow, long>>(Expression.Property(row, "ResourceKey"), row);
        return Expression.Call(typeof(Queryable), nameof(Queryable.Select), [typeof(TRow), typeof(long)], where, Expression.Quote(key));
    }

    private sealed class Replacer(ParameterExpression from, Expression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}
