using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace SendInterop.Gateway.Security.Authentication;

/// <summary>
/// The gateway's own signing keys, from <see cref="AuthFiles.SigningKeyFile"/> (created with one key on first use).
/// The newest key signs; every key in the file validates, so a key added for rotation takes over signing while
/// tokens signed with the previous one stay valid until it is removed from the file. The file is re-read when it
/// changes (checked at most every <see cref="AuthOptions.FileCheckInterval"/>).
/// </summary>
public sealed partial class GatewaySigningKeys
{
    private readonly WatchedFile _file;
    private readonly TimeProvider _time;
    private readonly ILogger<GatewaySigningKeys> _logger;
    private readonly object _loadGate = new();
    private volatile Snapshot? _snapshot;

    public GatewaySigningKeys(AuthFiles files, IOptions<AuthOptions> options, TimeProvider time, ILogger<GatewaySigningKeys> logger)
    {
        _file = new WatchedFile(files.SigningKeyFile, options.Value.FileCheckInterval, time);
        _time = time;
        _logger = logger;
    }

    public string FilePath => _file.Path;

    /// <summary>The credentials of the newest key.</summary>
    public SigningCredentials SigningCredentials => Current.Signing;

    /// <summary>Every key that validates, by kid.</summary>
    public IReadOnlyDictionary<string, SecurityKey> ValidationKeys => Current.ByKid;

    /// <summary>The public JWK Set published at <c>/.well-known/jwks.json</c>.</summary>
    public JwkSet PublicJwks => Current.Public;

    /// <summary>Re-reads the key file now (tests, or an operator's rotation that must apply at once).</summary>
    public void Reload()
    {
        _file.Invalidate();
        _ = Current;
    }

    private Snapshot Current
    {
        get
        {
            var snapshot = _snapshot;
            if (snapshot is not null && !_file.Changed()) return snapshot;
            lock (_loadGate)
            {
                // Another thread may have loaded it while this one waited; Changed() has been consumed either way.
                if (_snapshot is not null && !ReferenceEquals(_snapshot, snapshot)) return _snapshot;
                return _snapshot = Load(snapshot);
            }
        }
    }

    private Snapshot Load(Snapshot? previous)
    {
        if (SigningKeyFile.CreateIfMissing(_file.Path, _time.GetUtcNow())) LogCreated(_logger, _file.Path);
        if (previous is null) _file.Changed(); // record what is about to be read
        JwkSet set;
        try
        {
            set = SigningKeyFile.Read(_file.Path);
        }
        catch (Exception e) when (previous is not null && e is IOException or System.Text.Json.JsonException)
        {
            // A half-written file (an operator editing it): keep the keys in use and look again on the next check.
            LogUnreadable(_logger, _file.Path, e.GetType().Name);
            _file.Invalidate();
            return previous;
        }

        var byKid = new Dictionary<string, SecurityKey>(StringComparer.Ordinal);
        Jwk? newest = null;
        SecurityKey? newestKey = null;
        foreach (var jwk in set.Keys)
        {
            var key = jwk.Kty == "RSA" && jwk.Kid is { Length: > 0 } && jwk.D is not null ? jwk.ToSecurityKey(out _) : null;
            if (key is null || !byKid.TryAdd(jwk.Kid!, key))
                throw new InvalidOperationException($"The signing key file {_file.Path} holds a key that is not a private RSA key with a unique kid.");
            if (newest is null || (jwk.Created ?? DateTimeOffset.MinValue) >= (newest.Created ?? DateTimeOffset.MinValue))
            {
                newest = jwk;
                newestKey = key;
            }
        }
        if (newest is null) throw new InvalidOperationException($"The signing key file {_file.Path} holds no key.");

        var publicSet = new JwkSet { Keys = set.Keys.Select(k => { var p = k.ToPublic(); p.Alg ??= SigningKeyFile.Algorithm; p.Use ??= "sig"; return p; }).ToList() };
        return new Snapshot(new SigningCredentials(newestKey, SigningKeyFile.Algorithm), byKid, publicSet);
    }

    private sealed record Snapshot(SigningCredentials Signing, IReadOnlyDictionary<string, SecurityKey> ByKid, JwkSet Public);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Created the gateway signing key file {Path}: keep it secret, back it up, and share it between replicas")]
    private static partial void LogCreated(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "The signing key file {Path} could not be read ({Error}); the keys loaded before stay in use")]
    private static partial void LogUnreadable(ILogger logger, string path, string error);
}
