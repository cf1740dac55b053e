using Hl7.Fhir.Model;

namespace SendInterop.Domain.Indicators;

/// <summary>
/// Publishes an <see cref="IndicatorDefinition"/> as a FHIR R4 Measure: one group whose populations carry the criteria
/// in words and as the projection predicate names (language <see cref="IndicatorCanonical.ExpressionLanguage"/>), the
/// stratifiers likewise, and the dashboard classifications as extensions. The rationale is the "why it matters" text.
/// </summary>
public static class MeasureFactory
{
    public static Measure Create(IndicatorDefinition indicator)
    {
        ArgumentNullException.ThrowIfNull(indicator);
        var measure = new Measure
        {
            Id = indicator.Id,
            Url = indicator.Url,
            Version = IndicatorCanonical.Version,
            Name = Name(indicator.Id),
            Title = indicator.Title,
            Status = PublicationStatus.Active,
            Experimental = false,
            Publisher = "SendInterop",
            Description = new Markdown(indicator.Description),
            Purpose = new Markdown("Source: " + indicator.Source),
            Rationale = new Markdown(indicator.WhyItMatters),
            Scoring = new CodeableConcept(IndicatorCanonical.MeasureScoringSystem, IndicatorCodes.Of(indicator.Scoring)),
            Jurisdiction = [new CodeableConcept("urn:iso:std:iso:3166", "GB", "United Kingdom of Great Britain and Northern Ireland")],
        };
        if (indicator.Improvement != ImprovementNotation.None)
        {
            var code = indicator.Improvement == ImprovementNotation.Increase ? "increase" : "decrease";
            measure.ImprovementNotation = new CodeableConcept(IndicatorCanonical.ImprovementNotationSystem, code);
        }

        measure.Extension.Add(CodedExtension(IndicatorCanonical.Extensions.RbaQuadrant, IndicatorCanonical.CodeSystems.RbaQuadrant, IndicatorCodes.Of(indicator.Quadrant)));
        measure.Extension.Add(CodedExtension(IndicatorCanonical.Extensions.DashboardSection, IndicatorCanonical.CodeSystems.DashboardSection, IndicatorCodes.Of(indicator.Section)));
        measure.Extension.Add(CodedExtension(IndicatorCanonical.Extensions.LogicModelColumn, IndicatorCanonical.CodeSystems.LogicModelColumn, IndicatorCodes.Of(indicator.LogicModel)));
        measure.Extension.Add(CodedExtension(IndicatorCanonical.Extensions.PeriodType, IndicatorCanonical.CodeSystems.PeriodType, IndicatorCodes.Of(indicator.PeriodType)));
        var (unitCode, unitText) = IndicatorCodes.Of(indicator.Unit);
        measure.Extension.Add(CodedExtension(IndicatorCanonical.Extensions.ScoreUnit, IndicatorCanonical.Ucum, (unitCode, unitText)));
        if (indicator.Comparator is { } series)
        {
            var title = ComparatorSeriesCatalogue.Find(series)?.Title ?? series;
            measure.Extension.Add(CodedExtension(IndicatorCanonical.Extensions.Comparator, IndicatorCanonical.CodeSystems.DfeSeries, (series, title)));
        }

        var group = new Measure.GroupComponent { Description = indicator.Description };
        foreach (var population in indicator.Populations)
        {
            group.Population.Add(new Measure.PopulationComponent
            {
                Code = PopulationCode(population.Kind),
                Description = population.Description,
                Criteria = Criteria(population.Description, population.Expression),
            });
        }

        if (indicator.Observation is { } observation)
        {
            group.Population.Add(new Measure.PopulationComponent
            {
                Code = new CodeableConcept(IndicatorCanonical.MeasurePopulationSystem, "measure-observation"),
                Description = observation.Description,
                Criteria = Criteria(observation.Description, observation.Name),
            });
            group.Extension.Add(new Extension(IndicatorCanonical.Extensions.AggregateMethod, new Code("mean")));
        }

        foreach (var stratifier in indicator.Stratifiers)
        {
            var component = new Measure.StratifierComponent
            {
                Code = new CodeableConcept(IndicatorCanonical.CodeSystems.Stratifier, stratifier.Code, stratifier.Title),
                Description = stratifier.Title,
                Criteria = Criteria(stratifier.Title, stratifier.Expression),
            };
            component.Extension.Add(new Extension(IndicatorCanonical.Extensions.StratumBasis, new FhirString(stratifier.Basis)));
            group.Stratifier.Add(component);
        }

        measure.Group.Add(group);
        return measure;
    }

    public static IReadOnlyList<Measure> CreateAll() => IndicatorCatalogue.All.Select(Create).ToList();

    public static CodeableConcept PopulationCode(PopulationKind kind) =>
        new(IndicatorCanonical.MeasurePopulationSystem, PopulationKinds.Code(kind));

    private static Expression Criteria(string description, string expression) => new()
    {
        Description = description,
        Language = IndicatorCanonical.ExpressionLanguage,
        Expression_ = expression,
    };

    private static Extension CodedExtension(string url, string system, (string Code, string Display) code) =>
        new(url, new Coding(system, code.Code, code.Display));

    /// <summary>Measure.name: a computer-friendly name (the id in PascalCase: ehc-plans-in-place → EhcPlansInPlace).</summary>
    private static string Name(string id) => string.Concat(id.Split('-').Select(part => part.Length == 0 ? "" : char.IsDigit(part[0]) ? "_" + part : char.ToUpperInvariant(part[0]) + part[1..]));
}
