using Microsoft.Extensions.Options;
using SendInterop.Gateway.Export;

namespace SendInterop.Gateway.Tests.Api;

/// <summary>The per-client bound on parallel export downloads holds under contention and forgets clients it no longer serves.</summary>
public sealed class ExportDownloadSlotsTests
{
    [Fact]
    public async Task Racing_downloads_of_one_client_never_hold_more_slots_than_its_limit()
    {
        var slots = new ExportDownloadSlots(Options.Create(new ExportOptions { MaxConcurrentDownloadsPerClient = 3 }));
        var holding = 0;
        var most = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                using var slot = slots.TryTake("client-a", "la-926");
                if (slot is null) continue;
                var now = Interlocked.Increment(ref holding);
                InterlockedMax(ref most, now);
                if (i % 50 == 0) await Task.Yield();
                Interlocked.Decrement(ref holding);
            }
        })));
        Assert.InRange(most, 1, 3);
        Assert.Equal(0, slots.InUse("client-a", "la-926"));
    }

    [Fact]
    public void Of_eight_threads_racing_for_the_last_free_slot_exactly_one_gets_it()
    {
        var slots = new ExportDownloadSlots(Options.Create(new ExportOptions { MaxConcurrentDownloadsPerClient = 3 }));
        using var first = slots.TryTake("client-a", "la-926");
        using var second = slots.TryTake("client-a", "la-926");
        for (var round = 0; round < 50; round++)
        {
            var got = new ExportDownloadSlots.Slot?[8];
            using var start = new Barrier(got.Length);
            var threads = Enumerable.Range(0, got.Length).Select(i => new Thread(() =>
            {
                start.SignalAndWait();
                got[i] = slots.TryTake("client-a", "la-926");
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            Assert.Single(got, g => g is not null);
            Assert.Equal(3, slots.InUse("client-a", "la-926"));
            foreach (var g in got) g?.Dispose();
            Assert.Equal(2, slots.InUse("client-a", "la-926"));
        }
    }

    [Fact]
    public void Each_client_and_organisation_has_its_own_slots()
    {
        var slots = new ExportDownloadSlots(Options.Create(new ExportOptions { MaxConcurrentDownloadsPerClient = 1 }));
        using var a = slots.TryTake("client-a", "la-926");
        Assert.NotNull(a);
        Assert.Null(slots.TryTake("client-a", "la-926"));
        using var sameClientOtherOrganisation = slots.TryTake("client-a", "ods-RY3");
        using var otherClient = slots.TryTake("client-b", "la-926");
        Assert.NotNull(sameClientOtherOrganisation);
        Assert.NotNull(otherClient);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }
}
