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

    /// <summary>r => rows.Any(row => row.ResourceKey == r.Key &amp;&amp; condition(row)).</summary>
    public static Expression<Func<ResourceRecord, bool>> Exists<TRow>(IQueryable<TRow> rows, Expression<Func<TRow, bool>> condition)
    {
        var r = Expression.Parameter(typeof(ResourceRecord), "r");
        return Expression.Lambda<Func<ResourceRecord, bool>>(ExistsBody(rows, condition, r), r);
    }

    public static Expression ExistsBody<TRow>(IQueryable<TRow> rows, Expression<Func<TRow, bool>> condition, Expression resource)
    {
        var row = condition.Parameters[0];
        var keyMatch = Expression.Equal(Expression.Property(row, "ResourceKey"), Expression.Property(resource, nameof(ResourceRecord.Key)));
        var inner = Expression.Lambda<Func<TRow, bool>>(Expression.AndAlso(keyMatch, condition.Body), row);
        return Expression.Call(typeof(Queryable), nameof(Queryable.Any), [typeof(TRow)], rows.Expression, Expression.Quote(inner));
    }

    private sealed class Replacer(ParameterExpression from, Expression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}
