using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace SendInterop.Gateway.Security.Authentication;

/// <summary>
/// Public key sets fetched from a JWKS URL (an external issuer's, or a client's <c>jwks_uri</c>) or read from a file,
/// keyed by kid. A set is used for <see cref="AuthOptions.JwksRefreshInterval"/>; a kid that is not in it triggers a
/// refetch, at most once per <see cref="ForcedRefreshSpacing"/> per location, so unknown kids cannot hammer the source.
/// </summary>
public sealed partial class JwksCache(IHttpClientFactory http, IOptions<AuthOptions> options, TimeProvider time, ILogger<JwksCache> logger)
{
    public const string HttpClientName = "SendInterop.Jwks";
    public static readonly TimeSpan ForcedRefreshSpacing = TimeSpan.FromSeconds(30);
    private const int MaxJwksBytes = 64 * 1024;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _fetchGates = new(StringComparer.Ordinal);

    /// <summary>The keys already held for <paramref name="location"/> (no I/O): what a synchronous key resolver may use.</summary>
    public IReadOnlyDictionary<string, SecurityKey> Cached(string location) =>
        _entries.TryGetValue(location, out var entry) ? entry.Keys : EmptyKeys;

    /// <summary>
    /// The key set of <paramref name="location"/> (an https URL, or a file path), fetched when missing or stale, or
    /// when <paramref name="wantedKid"/> is not in it and the last forced fetch is long enough ago.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, SecurityKey>> GetAsync(string location, string? wantedKid, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(location, out var entry) && !NeedsFetch(entry, wantedKid, now)) return entry.Keys;

        var gate = _fetchGates.GetOrAdd(location, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            if (_entries.TryGetValue(location, out entry) && !NeedsFetch(entry, wantedKid, time.GetUtcNow())) return entry.Keys;
            var forced = entry is not null && now - entry.Fetched < options.Value.JwksRefreshInterval;
            try
            {
                var keys = await FetchAsync(location, ct);
                _entries[location] = new Entry(keys, time.GetUtcNow(), forced ? time.GetUtcNow() : entry?.LastForced ?? DateTimeOffset.MinValue);
                return keys;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or System.Text.Json.JsonException or TaskCanceledException or InvalidDataException)
            {
                LogFetchFailed(logger, location, e.GetType().Name);
                // Keep what was held (a source that is briefly down must not lock everyone out), and do not retry at once.
                var kept = entry?.Keys ?? EmptyKeys;
                _entries[location] = new Entry(kept, entry?.Fetched ?? time.GetUtcNow(), time.GetUtcNow());
                return kept;
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>https anywhere; http only to a loopback address (development, tests).</summary>
    public static bool IsAllowedUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && (uri.IsLoopback || IPAddress.TryParse(uri.Host, out var ip) && IPAddress.IsLoopback(ip))));

    private bool NeedsFetch(Entry entry, string? wantedKid, DateTimeOffset now) =>
        now - entry.Fetched >= options.Value.JwksRefreshInterval
        || (wantedKid is not null && !entry.Keys.ContainsKey(wantedKid) && now - entry.LastForced >= ForcedRefreshSpacing);

    private async Task<IReadOnlyDictionary<string, SecurityKey>> FetchAsync(string location, CancellationToken ct)
    {
        string json;
        if (location.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || location.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            if (!IsAllowedUrl(location)) throw new InvalidDataException("JWKS URL must be https (http only on a loopback address)");
            using var client = http.CreateClient(HttpClientName);
            using var response = await client.GetAsync(location, HttpCompletionOption.ResponseHeadersRead, ct);
            response.EnsureSuccessStatusCode();
            if (response.Content.Headers.ContentLength > MaxJwksBytes) throw new InvalidDataException("JWKS too large");
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            var buffer = new byte[MaxJwksBytes + 1];
            var read = 0;
            int n;
            while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), ct)) > 0) read += n;
            if (read > MaxJwksBytes) throw new InvalidDataException("JWKS too large");
            json = System.Text.Encoding.UTF8.GetString(buffer, 0, read);
        }
        else
        {
            json = await File.ReadAllTextAsync(location, ct);
        }

        var keys = new Dictionary<string, SecurityKey>(StringComparer.Ordinal);
        foreach (var jwk in JwkSet.Parse(json).Keys)
        {
            if (jwk.Kid is not { Length: > 0 } kid || jwk.Use is not (null or "sig")) continue;
            if (jwk.ToSecurityKey(out var problem) is { } key) keys.TryAdd(kid, key);
            else LogKeySkipped(logger, location, problem);
        }
        return keys;
    }

    private static readonly IReadOnlyDictionary<string, SecurityKey> EmptyKeys = new Dictionary<string, SecurityKey>();

    private sealed record Entry(IReadOnlyDictionary<string, SecurityKey> Keys, DateTimeOffset Fetched, DateTimeOffset LastForced);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not fetch the JWKS at {Location} ({Error}); the keys held before stay in use")]
    private static partial void LogFetchFailed(ILogger logger, string location, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped a key of the JWKS at {Location}: {Problem}")]
    private static partial void LogKeySkipped(ILogger logger, string location, string problem);
}
