using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace SendInterop.Bench;

/// <summary>
/// The access token the driver sends as <c>Authorization: Bearer</c>. It comes from <c>--token</c> /
/// <c>SENDINTEROP_BENCH_TOKEN</c>; with <c>--token-command</c> / <c>SENDINTEROP_BENCH_TOKEN_COMMAND</c> (e.g. the
/// SendInterop CLI's <c>token</c> command) a fresh one is fetched at start when none was given, and again in the
/// background whenever the current one is within two minutes of its <c>exp</c>, so runs longer than a token's
/// lifetime (15 minutes at most) keep working. The token is never logged or stored in the results.
/// </summary>
public sealed class BearerToken : IAsyncDisposable
{
    private static readonly TimeSpan RefreshBefore = TimeSpan.FromMinutes(2);
    private readonly string? _command;
    private readonly CancellationTokenSource _stop = new();
    private Task? _refresher;
    private volatile string? _header;
    private DateTimeOffset? _expires;

    private BearerToken(string? command) => _command = command;

    /// <summary>"Bearer …", or null when no token is configured.</summary>
    public string? Header => _header;

    /// <summary>Null when neither a token nor a command is configured (the requests then carry no Authorization).</summary>
    public static async Task<BearerToken?> CreateAsync(string? token, string? command)
    {
        if (token is null && command is null) return null;
        var t = new BearerToken(command);
        if (token is not null) t.Set(token);
        else await t.RefreshAsync(CancellationToken.None).ConfigureAwait(false);
        if (command is not null) t._refresher = Task.Run(() => t.RefreshLoop(t._stop.Token));
        return t;
    }

    private void Set(string token)
    {
        token = token.Trim();
        if (token.Length == 0 || token.Any(char.IsWhiteSpace)) throw new InvalidOperationException("the bearer token is empty or contains white space");
        _expires = ExpiryOf(token);
        _header = "Bearer " + token;
    }

    private async Task RefreshLoop(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(15), ct).ConfigureAwait(false);
                if (_expires is { } exp && exp - DateTimeOffset.UtcNow > RefreshBefore) continue;
                if (_expires is null) continue; // an opaque token: nothing says when it ends
                await RefreshAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) { return; }
            catch (Exception ex) { Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] token refresh failed: {ex.Message}"); }
        }
    }

    private async Task RefreshAsync(CancellationToken ct)
    {
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(_command!);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start the token command");
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct).ConfigureAwait(false);
        if (p.ExitCode != 0) throw new InvalidOperationException($"the token command exited with {p.ExitCode}: {(await stderr).Trim()}");
        var token = (await stdout).Trim().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()
                    ?? throw new InvalidOperationException("the token command printed nothing");
        Set(token);
        Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] got a bearer token from the token command" +
                                (_expires is { } e ? $" (expires {e:HH:mm:ss} UTC)" : ""));
    }

    /// <summary>The exp claim of a JWT (not verified: only to know when to ask for the next one).</summary>
    private static DateTimeOffset? ExpiryOf(string token)
    {
        var parts = token.Split('.');
        if (parts.Length < 2) return null;
        try
        {
            var b64 = parts[1].Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
            using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(b64)));
            return doc.RootElement.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var s) ? DateTimeOffset.FromUnixTimeSeconds(s) : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException) { return null; }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        if (_refresher is not null) await _refresher.ConfigureAwait(false);
        _stop.Dispose();
    }
}
