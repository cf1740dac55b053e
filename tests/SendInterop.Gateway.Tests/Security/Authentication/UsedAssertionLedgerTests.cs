using SendInterop.Gateway.Tests.Indicators;
using SendInterop.Storage.Access;
using Task = System.Threading.Tasks.Task;

namespace SendInterop.Gateway.Tests.Security.Authentication;

/// <summary>
/// The token endpoint's shared replay ledger on both providers: a jti is accepted once per client while its assertion
/// is valid, by whichever replica (ledger instance) asks first, and again only after it has expired.
/// </summary>
public abstract class UsedAssertionLedgerTests(IndicatorStorage storage)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_jti_is_accepted_once_across_replicas_until_it_expires()
    {
        var (first, second) = (new UsedAssertionLedger(storage.Contexts), new UsedAssertionLedger(storage.Contexts));
        var jti = Guid.NewGuid().ToString("N");
        var expires = Now.AddMinutes(5);

        Assert.True(await first.TryUseAsync("client-a", jti, expires, Now, default));
        Assert.False(await second.TryUseAsync("client-a", jti, expires, Now.AddMinutes(1), default)); // another replica
        Assert.False(await first.TryUseAsync("client-a", jti, expires, Now.AddMinutes(4), default));
        Assert.True(await second.TryUseAsync("client-b", jti, expires, Now, default)); // jti is per client
        Assert.True(await second.TryUseAsync("client-a", jti, Now.AddMinutes(11), Now.AddMinutes(6), default)); // expired: a new use
        Assert.False(await first.TryUseAsync("client-a", jti, Now.AddMinutes(11), Now.AddMinutes(7), default));
    }

    [Fact]
    public async Task Replicas_racing_on_one_assertion_accept_it_once()
    {
        var jti = Guid.NewGuid().ToString("N");
        var attempts = Enumerable.Range(0, 16).Select(_ => new UsedAssertionLedger(storage.Contexts))
            .Select(ledger => Task.Run(() => ledger.TryUseAsync("client-race", jti, Now.AddMinutes(5), Now, default)));
        var accepted = await Task.WhenAll(attempts);
        Assert.Equal(1, accepted.Count(a => a));
    }
}

public sealed class SqliteLedgerStorage() : SqliteIndicatorStorage([]);

public sealed class PostgresLedgerStorage() : PostgresIndicatorStorage([]);

public sealed class SqliteUsedAssertionLedgerTests(SqliteLedgerStorage storage) : UsedAssertionLedgerTests(storage), IClassFixture<SqliteLedgerStorage>;

public sealed class PostgresUsedAssertionLedgerTests(PostgresLedgerStorage storage) : UsedAssertionLedgerTests(storage), IClassFixture<PostgresLedgerStorage>;
