using Microsoft.Extensions.Options;
using SendInterop.Domain.Indicators;

namespace SendInterop.Gateway.Indicators;

/// <summary>
/// The DfE published figures (comparators and the LAs of each region), loaded once from
/// <see cref="IndicatorOptions.DfeReleaseDirectory"/> on first use; empty when none is configured or it cannot be read
/// (the reports then carry no comparator, which the docs say).
/// </summary>
public sealed partial class ComparatorSource(IOptions<IndicatorOptions> options, ILogger<ComparatorSource> logger)
{
    private readonly Lazy<ComparatorSet> _set = new(() => Load(options.Value.DfeReleaseDirectory, logger));

    private GeographyHierarchy? _hierarchy;

    public ComparatorSet Set => _set.Value;

    /// <summary>
    /// The regions and their LAs as the release places them: what small-number suppression is decided over. Without a
    /// release every LA is in one rest-of-England group, so an LA's suppression is decided over all of England.
    /// </summary>
    public GeographyHierarchy Hierarchy => _hierarchy ??= new GeographyHierarchy(
        Set.Geographies.Where(g => g.Level == GeographyLevel.Regional).Select(g => Set.RegionSubject(g.Code)));

    private static ComparatorSet Load(string? directory, ILogger logger)
    {
        if (string.IsNullOrWhiteSpace(directory)) return new ComparatorSet([]);
        try
        {
            return DfeComparatorLoader.Load(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            LogUnreadable(logger, ex.GetType().Name);
            return new ComparatorSet([]);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "DfE comparator release could not be read ({Error}); reports carry no comparator")]
    private static partial void LogUnreadable(ILogger logger, string error);
}
