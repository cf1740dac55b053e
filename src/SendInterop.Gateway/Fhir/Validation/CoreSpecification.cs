using System.Collections.Concurrent;
using Hl7.Fhir.Specification.Source;

namespace SendInterop.Gateway.Fhir.Validation;

/// <summary>
/// The FHIR R4 core definitions from <c>specification.zip</c> (Hl7.Fhir.Specification.Data.R4), one ZipSource per zip
/// per process.
/// </summary>
/// <remarks>
/// ZipSource unpacks the archive into a shared cache directory under the temp folder on first use, and a second
/// instance that finds the cache half-written deletes it under the first one's feet. So: one instance per path in this
/// process (the source itself is documented thread-safe), and the first unpacking is done under a named mutex so two
/// processes on one machine (replicas, parallel test runs) do not race either.
/// </remarks>
internal static class CoreSpecification
{
    private const string MutexName = "Global\\SendInterop.FhirSpecificationZip";

    private static readonly ConcurrentDictionary<string, Lazy<ZipSource>> Sources = new(StringComparer.Ordinal);

    /// <summary>The shared source for <paramref name="zipPath"/>, or for the copy in the application directory when null.</summary>
    public static IAsyncResourceResolver Get(string? zipPath)
    {
        var path = Path.GetFullPath(zipPath ?? Path.Combine(AppContext.BaseDirectory, "specification.zip"));
        return Sources.GetOrAdd(path, p => new Lazy<ZipSource>(() => Open(p), LazyThreadSafetyMode.ExecutionAndPublication)).Value;
    }

    private static ZipSource Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                "FHIR core specification.zip not found; reference the Hl7.Fhir.Specification.Data.R4 package or set Fhir:Validation:SpecificationZipPath.",
                path);
        }

        var source = new ZipSource(path);
        using var mutex = new Mutex(initiallyOwned: false, MutexName);
        try
        {
            mutex.WaitOne();
        }
        catch (AbandonedMutexException)
        {
            // The previous holder died mid-extraction; ZipSource notices a broken cache and unpacks again.
        }

        try
        {
            source.Prepare();
        }
        finally
        {
            mutex.ReleaseMutex();
        }

        return source;
    }
}
