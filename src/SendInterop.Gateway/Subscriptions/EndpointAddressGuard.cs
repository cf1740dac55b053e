using System.Net;
using System.Net.Sockets;

namespace SendInterop.Gateway.Subscriptions;

/// <summary>The address a rest-hook's host name resolved to is one notifications may not go to.</summary>
public sealed class ForbiddenAddressException(string message) : Exception(message);

/// <summary>
/// Connects a rest-hook only to the addresses its registered name resolves to that are neither this machine (unless
/// loopback is allowed, for tests) nor link-local (169.254.0.0/16 and fe80::/10: cloud metadata services), nor
/// unspecified or multicast. Checked on the resolved address at connect time, so a name re-pointed after it was
/// registered (DNS rebinding) is caught too. Private ranges stay allowed: councils' and trusts' systems live there.
/// </summary>
public static class EndpointAddressGuard
{
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> ConnectCallback(bool allowLoopback) =>
        async (context, ct) =>
        {
            var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct);
            var usable = addresses.Where(a => IsAllowed(a, allowLoopback)).ToArray();
            if (usable.Length == 0) throw new ForbiddenAddressException("No address of the endpoint's host may receive notifications.");
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(usable, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };

    public static bool IsAllowed(IPAddress address, bool allowLoopback)
    {
        address = Unwrapped(address);
        if (IPAddress.IsLoopback(address)) return allowLoopback;
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.IsIPv6Multicast || address.IsIPv6LinkLocal) return false;
        if (address.Equals(AwsMetadataV6)) return false;
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            if (b[0] == 169 && b[1] == 254) return false;                    // link-local, cloud metadata
            if (b[0] == 100 && b[1] == 100 && b[2] == 100 && b[3] == 200) return false; // Alibaba Cloud metadata
            if (b[0] >= 224) return false;                                   // multicast and reserved
            if (b[0] == 0) return false;                                     // "this network"
        }
        return true;
    }

    /// <summary>AWS's IPv6 instance metadata address (in a private range, so not caught by the link-local rule).</summary>
    private static readonly IPAddress AwsMetadataV6 = IPAddress.Parse("fd00:ec2::254");

    /// <summary>The IPv4 address inside an IPv4-mapped, NAT64 (64:ff9b::/96) or 6to4 (2002::/16) IPv6 address; else the address.</summary>
    private static IPAddress Unwrapped(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address;
        var b = address.GetAddressBytes();
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b.Skip(4).Take(8).All(x => x == 0)) return new IPAddress(b[12..16]);
        if (b[0] == 0x20 && b[1] == 0x02) return new IPAddress(b[2..6]);
        return address;
    }
}
