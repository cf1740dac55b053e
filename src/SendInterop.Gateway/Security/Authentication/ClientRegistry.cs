using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace SendInterop.Gateway.Security.Authentication;

/// <summary>
/// The registered system clients: those in configuration (<c>Auth:Clients</c>) and those in the registry file
/// (<see cref="AuthFiles.ClientRegistryFile"/>, written by the CLI and re-read when it changes). A registration that
/// fails a check is left out and logged, never half-used; configuration wins over the file on a duplicate client_id.
/// </summary>
public sealed partial class ClientRegistry
{
    private readonly IOptionsMonitor<AuthOptions> _options;
    private readonly WatchedFile _file;
    private readonly JwksCache _jwks;
    private readonly ILogger<ClientRegistry> _logger;
    private readonly object _gate = new();
    private volatile Snapshot? _snapshot;
    private AuthOptions? _optionsSeen;

    public ClientRegistry(IOptionsMonitor<AuthOptions> options, AuthFiles files, JwksCache jwks, TimeProvider time, ILogger<ClientRegistry> logger)
    {
        _options = options;
        _file = new WatchedFile(files.ClientRegistryFile, options.CurrentValue.FileCheckInterval, time);
        _jwks = jwks;
        _logger = logger;
    }

    public string FilePath => _file.Path;

    /// <summary>The problems found in the last load, one line per rejected registration.</summary>
    public IReadOnlyList<string> Problems => Current.Problems;

    public RegisteredClient? Find(string clientId) => Current.Clients.GetValueOrDefault(clientId);

    /// <summary>The client's key with this kid: inline, or from its jwks_uri (refetched when the kid is new).</summary>
    public async Task<SecurityKey?> FindKeyAsync(RegisteredClient client, string kid, CancellationToken ct)
    {
        if (client.Keys.TryGetValue(kid, out var key)) return key;
        if (client.JwksUri is null) return null;
        return (await _jwks.GetAsync(client.JwksUri, kid, ct)).GetValueOrDefault(kid);
    }

    /// <summary>Re-reads configuration and the registry file now.</summary>
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
            var fileChanged = _file.Changed();
            if (snapshot is not null && !fileChanged && ReferenceEquals(_optionsSeen, _options.CurrentValue)) return snapshot;
            lock (_gate)
            {
                if (!fileChanged && _snapshot is not null && !ReferenceEquals(_snapshot, snapshot)) return _snapshot;
                _optionsSeen = _options.CurrentValue;
                return _snapshot = Load(_optionsSeen);
            }
        }
    }

    private Snapshot Load(AuthOptions options)
    {
        var clients = new Dictionary<string, RegisteredClient>(StringComparer.Ordinal);
        var problems = new List<string>();
        Add(options.Clients, "configuration");

        if (File.Exists(_file.Path))
        {
            try
            {
                var document = JsonSerializer.Deserialize<ClientRegistryDocument>(File.ReadAllText(_file.Path), JwkSet.JsonOptions);
                Add(document?.Clients ?? [], _file.Path);
            }
            catch (Exception e) when (e is IOException or JsonException)
            {
                problems.Add($"{_file.Path}: unreadable ({e.GetType().Name}); its clients are not registered");
                _file.Invalidate(); // try again on the next use: the CLI may have been mid-write
            }
        }
        foreach (var problem in problems) LogRejected(_logger, problem);
        return new Snapshot(clients, problems);

        void Add(IEnumerable<ClientRegistration> registrations, string source)
        {
            foreach (var registration in registrations)
            {
                var client = RegisteredClient.From(registration, out var found);
                if (client is null)
                    problems.Add($"{source}: client '{registration.ClientId}' rejected: {string.Join("; ", found)}");
                else if (!clients.TryAdd(client.ClientId, client))
                    problems.Add($"{source}: client '{client.ClientId}' is registered already; this registration is ignored");
            }
        }
    }

    private sealed record Snapshot(IReadOnlyDictionary<string, RegisteredClient> Clients, IReadOnlyList<string> Problems);

    [LoggerMessage(Level = LogLevel.Error, Message = "Client registry: {Problem}")]
    private static partial void LogRejected(ILogger logger, string problem);
}
