using System.Globalization;
using N = SendInterop.Domain.Sen2.Sen2ElementNames;
using S = SendInterop.Domain.Sen2.Sen2ElementSpec;

namespace SendInterop.Domain.Sen2;

/// <summary>
/// Reads the captured <c>Header</c>. Its problems are whole-file problems: without a valid collection, year, census day and
/// LA no record can be checked (code lists and date rules depend on them).
/// </summary>
internal static class Sen2HeaderParser
{
    private const string Path = $"/{N.Message}/{N.Header}";

    public static (Sen2Header? Header, IReadOnlyList<Sen2Error> Errors) Parse(Sen2XmlNode node, Sen2ReaderOptions options)
    {
        var errors = new Sen2RecordErrors(null, Sen2Rule.InvalidHeader);
        var header = Sen2Items.Group(node, Path, S.Header, errors);
        var detailsNode = header.One(N.CollectionDetails);
        var sourceNode = header.One(N.Source);
        if (detailsNode is null || sourceNode is null)
        {
            errors.Add(node, Path, Sen2Rule.InvalidHeader, "Header needs CollectionDetails and Source");
            return (null, errors.All);
        }

        var details = Sen2Items.Group(detailsNode, header.PathOf(N.CollectionDetails), S.CollectionDetails, errors);
        var collectionValues = new Sen2ValueParser(errors, 0, options.MaxValueLength);
        var collection = collectionValues.Text(details, N.Collection, mandatory: true);
        if (collection is not null && collection != Sen2Header.CollectionName)
        {
            errors.Add(details.One(N.Collection)!, details.PathOf(N.Collection), Sen2Rule.UnsupportedCollection, $"Collection must be {Sen2Header.CollectionName}");
            return (null, errors.All);
        }

        var yearText = collectionValues.Text(details, N.Year, mandatory: true);
        int? year = null;
        if (yearText is not null)
        {
            if (!int.TryParse(yearText, NumberStyles.None, CultureInfo.InvariantCulture, out var y) || yearText.Length != 4)
                errors.Add(details.One(N.Year)!, details.PathOf(N.Year), Sen2Rule.InvalidHeader, "Year must be a 4-digit year");
            else if (y < Sen2ReaderOptions.FirstSupportedYear || y > options.LastSupportedYear)
                errors.Add(details.One(N.Year)!, details.PathOf(N.Year), Sen2Rule.UnsupportedCollection,
                    $"collection year {y} is not supported (this reader reads {Sen2ReaderOptions.FirstSupportedYear}-{options.LastSupportedYear})");
            else
                year = y;
        }

        var values = new Sen2ValueParser(errors, year ?? 0, options.MaxValueLength);
        var referenceDate = values.Date(details, N.ReferenceDate, mandatory: true);
        if (referenceDate is { } r && year is { } yr && (r.Year != yr || r.Month != 1))
            errors.Add(details.One(N.ReferenceDate)!, details.PathOf(N.ReferenceDate), Sen2Rule.InvalidHeader, "ReferenceDate must be the census day in January of the collection Year");

        var source = Sen2Items.Group(sourceNode, header.PathOf(N.Source), S.Source, errors);
        var level = values.Text(source, N.SourceLevel, mandatory: false);
        if (level is not null && level != Sen2Header.LocalAuthoritySourceLevel)
            errors.Add(source.One(N.SourceLevel)!, source.PathOf(N.SourceLevel), Sen2Rule.InvalidHeader, $"SourceLevel must be {Sen2Header.LocalAuthoritySourceLevel} (local authority)");
        var la = values.La(source, N.Lea, mandatory: true);
        var generatedText = values.Text(source, N.DateTime, mandatory: false);
        DateTime? generated = null;
        if (generatedText is not null)
        {
            if (DateTime.TryParseExact(generatedText, ["yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ss.FFFFFFF"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
                generated = at;
            else
                errors.Add(source.One(N.DateTime)!, source.PathOf(N.DateTime), Sen2Rule.InvalidHeader, "DateTime must be written YYYY-MM-DDThh:mm:ss");
        }

        var parsed = new Sen2Header
        {
            Year = year ?? 0,
            ReferenceDate = referenceDate ?? default,
            La = la ?? default,
            SourceLevel = level ?? Sen2Header.LocalAuthoritySourceLevel,
            SoftwareCode = values.Text(source, N.SoftwareCode, mandatory: false),
            Release = values.Text(source, N.Release, mandatory: false),
            SerialNo = values.Text(source, N.SerialNo, mandatory: false),
            GeneratedAt = generated,
            DesignatedMedicalOfficer = values.Code(source, N.Dmo, Sen2CodeLists.DesignatedOfficer),
            DesignatedClinicalOfficer = values.Code(source, N.Dco, Sen2CodeLists.DesignatedOfficer),
        };
        return (errors.Any ? null : parsed, errors.All);
    }
}
