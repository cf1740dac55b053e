using SendInterop.Domain.Profiles;

namespace SendInterop.Domain.Indicators;

/// <summary>
/// The URLs the indicator catalogue publishes and reads. They hang off <see cref="SendCanonical.Base"/> like every other
/// artefact; none is in <c>conformance/</c> yet, so nothing has to resolve them to validate a Measure. Moving them into
/// <see cref="SendCanonical"/> later is a rename.
/// </summary>
public static class IndicatorCanonical
{
    private const string StructureDefinition = SendCanonical.Base + "/StructureDefinition/";
    private const string CodeSystem = SendCanonical.Base + "/CodeSystem/";

    /// <summary>Measure.url is this plus the indicator id.</summary>
    public const string MeasureBase = SendCanonical.Base + "/Measure/";

    /// <summary>Version stamped on every Measure; bump when a definition changes what it counts.</summary>
    public const string Version = "0.1.0";

    /// <summary>
    /// Language of every population and stratifier criteria expression: the name of a projection predicate (see
    /// <see cref="Predicates"/>), which the in-memory evaluator runs and the SQL implementation must match.
    /// </summary>
    public const string ExpressionLanguage = "text/x-sendinterop-projection";

    /// <summary>Old-style 3-digit DfE LA code (926 Norfolk); the same URL the demo and SEN2 import put on LA Organizations.</summary>
    public const string LaCodeSystem = SendCanonical.Base + "/Id/la-code";

    /// <summary>ONS GSS codes of regions (E12...) and England (E92000001), the subjects above an LA.</summary>
    public const string OnsGeographySystem = SendCanonical.Base + "/Id/ons-geography";

    public const string MeasureScoringSystem = "http://terminology.hl7.org/CodeSystem/measure-scoring";
    public const string MeasurePopulationSystem = "http://terminology.hl7.org/CodeSystem/measure-population";
    public const string ImprovementNotationSystem = "http://terminology.hl7.org/CodeSystem/measure-improvement-notation";
    public const string DataAbsentReasonExtension = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";
    public const string DataAbsentReasonSystem = "http://terminology.hl7.org/CodeSystem/data-absent-reason";
    public const string Ucum = "http://unitsofmeasure.org";

    public static class CodeSystems
    {
        public const string RbaQuadrant = CodeSystem + "rba-quadrant";
        public const string DashboardSection = CodeSystem + "dashboard-section";
        public const string LogicModelColumn = CodeSystem + "logic-model-column";
        public const string PeriodType = CodeSystem + "indicator-period-type";

        /// <summary>Which stratifier a Measure group stratifier / MeasureReport stratifier is (age-band, primary-need, ...).</summary>
        public const string Stratifier = CodeSystem + "indicator-stratifier";

        /// <summary>Stratum values the projection computes itself (age bands, setting types, ethnic groups, "unknown").</summary>
        public const string StratumValue = CodeSystem + "indicator-stratum";

        /// <summary>DfE published series a Measure compares with (<see cref="ComparatorSeries"/>).</summary>
        public const string DfeSeries = CodeSystem + "dfe-ehcp-series";

        /// <summary>Why a published value was withheld (primary, secondary, complement).</summary>
        public const string SuppressionReason = CodeSystem + "small-number-suppression";
    }

    public static class Extensions
    {
        /// <summary>Measure: the Results Based Accountability quadrant (valueCoding).</summary>
        public const string RbaQuadrant = StructureDefinition + "indicator-rba-quadrant";

        /// <summary>Measure: dashboard section A (understanding local need) or B (quality and outcomes) (valueCoding).</summary>
        public const string DashboardSection = StructureDefinition + "indicator-dashboard-section";

        /// <summary>Measure: logic-model column, output / outcome / impact (valueCoding).</summary>
        public const string LogicModelColumn = StructureDefinition + "indicator-logic-model-column";

        /// <summary>Measure: the DfE series the indicator is compared with (valueCoding in <see cref="CodeSystems.DfeSeries"/>).</summary>
        public const string Comparator = StructureDefinition + "indicator-comparator";

        /// <summary>Measure: snapshot on the reference date, or activity over the calendar year (valueCoding).</summary>
        public const string PeriodType = StructureDefinition + "indicator-period-type";

        /// <summary>Measure: the unit of the score (valueCoding, UCUM).</summary>
        public const string ScoreUnit = StructureDefinition + "indicator-score-unit";

        /// <summary>Measure group (continuous variable): how observations aggregate to the score (valueCode "mean").</summary>
        public const string AggregateMethod = StructureDefinition + "indicator-aggregate-method";

        /// <summary>Measure group stratifier: the age basis and other rules of the stratum values (valueString).</summary>
        public const string StratumBasis = StructureDefinition + "indicator-stratum-basis";

        /// <summary>MeasureReport: the reference date the age bands and snapshots were taken on (valueDate).</summary>
        public const string ReferenceDate = StructureDefinition + "indicator-reference-date";

        /// <summary>MeasureReport: the subject (LA, region, England) as a Coding: system la-code or ons-geography.</summary>
        public const string ReportSubject = StructureDefinition + "indicator-report-subject";

        /// <summary>MeasureReport: the small-number rule was applied (valueString: the rule in words).</summary>
        public const string SuppressionApplied = StructureDefinition + "small-number-suppression-applied";

        /// <summary>On a withheld count or score, beside data-absent-reason "masked": why (valueCode primary/secondary/complement).</summary>
        public const string SuppressionReason = StructureDefinition + "small-number-suppression-reason";
    }

    /// <summary>Codes read from the record that no other part of the domain defines yet.</summary>
    public static class RecordCodes
    {
        /// <summary>Setting type of a school or setting as Organization.type (codes of <see cref="SettingTypes"/>).</summary>
        public const string SettingTypeSystem = CodeSystem + "setting-type";

        /// <summary>EpisodeOfCare.type: the health service (code "autism-assessment" marks the autism diagnostic pathway).</summary>
        public const string HealthServiceSystem = CodeSystem + "health-service";

        public const string AutismAssessment = "autism-assessment";

        /// <summary>Goal.achievementStatus codes (FHIR goal-achievement).</summary>
        public const string GoalAchievementSystem = "http://terminology.hl7.org/CodeSystem/goal-achievement";

        /// <summary>SEN2 extensions written by the SEN2 import: the SEN2 mapping's own URLs.</summary>
        public const string Sen2Ethnicity = Sen2.Sen2FhirUrls.Extensions.Ethnicity;
        public const string Sen2RequestTribunal = Sen2.Sen2FhirUrls.Extensions.RequestTribunal;
        public const string Sen2Assessment = Sen2.Sen2FhirUrls.Extensions.Assessment;
        public const string Sen2PersonalBudget = Sen2.Sen2FhirUrls.Extensions.PersonalBudget;
        public const string Sen2SettingDetail = Sen2.Sen2FhirUrls.Extensions.SettingDetail;

        /// <summary>UK Core ethnic category on Patient.</summary>
        public const string UkCoreEthnicCategory = "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory";
    }
}
