using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace SendInterop.Bench;

public readonly record struct Reply(int Status, byte[]? Body, string? Location, long Us, string? Error);

/// <summary>One shared HttpClient for every worker, with the benchmark's headers (and the bearer token, when given).</summary>
public sealed class Fhir
{
    public static readonly MediaTypeHeaderValue FhirJson = new("application/fhir+json");
    private readonly HttpClient _client;
    private readonly TimeSpan _timeout;
    private long _sent;
    public ConcurrentQueue<string> ErrorSamples { get; } = new();

    /// <summary>Where the bearer token comes from; null: no Authorization header.</summary>
    public BearerToken? Token { get; set; }

    /// <summary>Requests sent so far (every one, counted or not: warm-up and drain included).</summary>
    public long Sent => Interlocked.Read(ref _sent);

    public Fhir(int maxConnections, TimeSpan timeout)
    {
        _timeout = timeout;
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(1, maxConnections),
            AutomaticDecompression = DecompressionMethods.GZip, // also sends Accept-Encoding: gzip
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            UseCookies = false,
            UseProxy = false,
            AllowAutoRedirect = false,
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        _client.DefaultRequestHeaders.CacheControl = new CacheControlHeaderValue { NoCache = true };
        _client.DefaultRequestHeaders.ExpectContinue = false;
    }

    public static long Now() => Stopwatch.GetTimestamp();
    public static long ToUs(long ticks) => (long)(ticks * 1_000_000.0 / Stopwatch.Frequency);

    /// <summary>Sends one request, reads the whole response and times it (send to last byte).</summary>
    public async Task<Reply> SendAsync(HttpMethod method, string url, byte[]? body, bool keepBody, TimeSpan? timeout = null)
    {
        using var req = new HttpRequestMessage(method, url);
        if (Token?.Header is { } auth) req.Headers.TryAddWithoutValidation("Authorization", auth);
        Interlocked.Increment(ref _sent);
        if (body != null)
        {
            req.Content = new ByteArrayContent(body);
            req.Content.Headers.ContentType = FhirJson;
        }
        using var cts = new CancellationTokenSource(timeout ?? _timeout);
        var t0 = Now();
        try
        {
            using var resp = await _client.SendAsync(req, HttpCompletionOption.ResponseHeadersRead, cts.Token).ConfigureAwait(false);
            byte[]? bytes;
            if (keepBody || !resp.IsSuccessStatusCode)
            {
                bytes = await resp.Content.ReadAsByteArrayAsync(cts.Token).ConfigureAwait(false);
            }
            else
            {
                await resp.Content.CopyToAsync(Stream.Null, cts.Token).ConfigureAwait(false);
                bytes = null;
            }
            var us = ToUs(Now() - t0);
            var loc = resp.Headers.Location?.ToString();
            return new Reply((int)resp.StatusCode, bytes, loc, us, null);
        }
        catch (Exception ex)
        {
            var msg = ex is OperationCanceledException ? $"timeout after {(timeout ?? _timeout).TotalSeconds:0}s" : $"{ex.GetType().Name}: {ex.Message}";
            return new Reply(0, null, null, ToUs(Now() - t0), msg);
        }
    }

    /// <summary>Records the reply; returns true when its status is one of the expected ones.</summary>
    public bool Check(Recorder rec, string op, in Reply r, bool record, params int[] expected)
    {
        var ok = r.Error == null && Array.IndexOf(expected, r.Status) >= 0;
        if (!record) return ok;
        if (r.Error != null) rec.Exception(op);
        else if (ok) rec.Ok(op, r.Us);
        else rec.Fail(op, r.Us);
        if (!ok && ErrorSamples.Count < 20)
        {
            var detail = r.Error ?? (r.Body == null ? "" : System.Text.Encoding.UTF8.GetString(r.Body, 0, Math.Min(r.Body.Length, 300)));
            ErrorSamples.Enqueue($"{op}: {(r.Status == 0 ? "no response" : r.Status.ToString())} {detail}".Trim());
        }
        return ok;
    }

    /// <summary>Server id of a created resource: from the body's id, else from the Location header.</summary>
    public static string? IdOf(JsonNode? body, string? location, string type)
    {
        var id = body?["id"]?.GetValue<string>();
        if (!string.IsNullOrEmpty(id)) return id;
        return IdFromLocation(location, type);
    }

    /// <summary>"…/Patient/123/_history/1" or "Patient/123" → "123".</summary>
    public static string? IdFromLocation(string? location, string type)
    {
        if (string.IsNullOrEmpty(location)) return null;
        var parts = location.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = parts.Length - 2; i >= 0; i--)
            if (parts[i] == type) return parts[i + 1].Split('?')[0];
        return null;
    }

    public static JsonNode? Parse(byte[]? body)
    {
        if (body == null || body.Length == 0) return null;
        try { return JsonNode.Parse(body); } catch { return null; }
    }
}
