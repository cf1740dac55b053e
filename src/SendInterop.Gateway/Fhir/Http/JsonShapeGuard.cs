using System.Text.Json;
using Hl7.Fhir.Model;
using SendInterop.Gateway.Fhir.Errors;

namespace SendInterop.Gateway.Fhir.Http;

/// <summary>
/// A single forward scan of a JSON body before the FHIR parser sees it: refuses nesting deeper than any FHIR
/// resource needs and arrays longer than configured, which would otherwise cost memory and CPU out of all
/// proportion to a legitimate request. The scan costs a few microseconds per kilobyte.
/// </summary>
public static class JsonShapeGuard
{
    public static void Check(ReadOnlySpan<byte> json, int maxDepth, int maxArrayLength)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth + 1 });
        var isArray = new bool[maxDepth + 2];
        var counts = new int[maxDepth + 2];
        var top = -1;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        CountItem(top, isArray, counts, maxArrayLength);
                        if (top + 1 >= maxDepth) throw TooDeep(maxDepth);
                        top++;
                        isArray[top] = reader.TokenType == JsonTokenType.StartArray;
                        counts[top] = 0;
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        top--;
                        break;
                    case JsonTokenType.PropertyName:
                    case JsonTokenType.Comment:
                        break;
                    default:
                        CountItem(top, isArray, counts, maxArrayLength);
                        break;
                }
            }
        }
        catch (JsonException ex)
        {
            if (ex.Message.Contains("depth", StringComparison.OrdinalIgnoreCase)) throw TooDeep(maxDepth);
            throw new FhirException(400, OperationOutcome.IssueType.Structure, $"The request body is not valid JSON: {ex.Message}");
        }
    }

    private static void CountItem(int top, bool[] isArray, int[] counts, int max)
    {
        if (top >= 0 && isArray[top] && ++counts[top] > max)
            throw new FhirException(413, OperationOutcome.IssueType.TooCostly, $"An array in the body has more than {max} items; split the data into several requests.");
    }

    private static FhirException TooDeep(int maxDepth) =>
        new(400, OperationOutcome.IssueType.TooCostly, $"The JSON body nests deeper than {maxDepth} levels; FHIR resources never need that.");
}
