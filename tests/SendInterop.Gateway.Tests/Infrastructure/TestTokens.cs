using System.Net.Http.Headers;
using SendInterop.Domain.Access.Gate;
using SendInterop.Gateway.Security.Authentication;

namespace SendInterop.Gateway.Tests.Infrastructure;

/// <summary>
/// Who a test client is: the claims of the access token the fixture mints for it. The default is a local authority's
/// education system (<c>la-926</c>) with <c>system/*.cruds</c> and every purpose of use except commissioning.
/// </summary>
public sealed record TokenSpec(
    string Organisation = "la-926",
    string Agency = Agencies.Education,
    string Scope = "system/*.cruds",
    string Purposes = TokenSpec.DefaultPurposes,
    string? Role = null,
    string? Patient = null,
    string? ClientId = null,
    TimeSpan? Lifetime = null)
{
    public const string DefaultPurposes = "direct-care ehc-assessment ehc-review safeguarding subject-access";

    public static TokenSpec Default { get; } = new();

    public AccessTokenClaims ToClaims() => new(
        ClientId ?? "test-" + Organisation, Organisation, Agency, Scope,
        Purposes.Split(' ', StringSplitOptions.RemoveEmptyEntries), Role, Patient);
}

/// <summary>
/// Adds <c>Authorization: Bearer</c> to every request that has none, minting a fresh token shortly before the last
/// one expires, so a long-lived test client never sends an expired token.
/// </summary>
public sealed class BearerTokenHandler(Func<IssuedToken> mint) : DelegatingHandler
{
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(60);
    private readonly object _gate = new();
    private IssuedToken? _token;

    public BearerTokenHandler(Func<IssuedToken> mint, HttpMessageHandler inner) : this(mint) => InnerHandler = inner;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization ??= new AuthenticationHeaderValue("Bearer", Current());
        return base.SendAsync(request, cancellationToken);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization ??= new AuthenticationHeaderValue("Bearer", Current());
        return base.Send(request, cancellationToken);
    }

    private string Current()
    {
        lock (_gate)
        {
            if (_token is null || _token.ExpiresAt - DateTimeOffset.UtcNow < Margin) _token = mint();
            return _token.AccessToken;
        }
    }
}
