namespace SendInterop.Gateway.Hosting;

/// <summary>
/// A name for this process on the leases it takes in the shared database (subscription delivery, export jobs): the
/// machine, the process and a random part, so two replicas never share one, at most 128 characters (the lease columns).
/// </summary>
public static class ReplicaName
{
    public const int MaxLength = 128;

    public static string New()
    {
        var name = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
        return name.Length <= MaxLength ? name : name[..MaxLength];
    }
}
