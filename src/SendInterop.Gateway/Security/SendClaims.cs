namespace SendInterop.Gateway.Security;

/// <summary>
/// The claims of an access token the gateway accepts (its own, from the token endpoint, or from a configured external
/// issuer). The consent gate's requester is built from exactly these.
/// </summary>
public static class SendClaims
{
    /// <summary>The registered client (also <c>sub</c>).</summary>
    public const string ClientId = "client_id";
    /// <summary>The client's organisation as an Organization id: <c>la-926</c>, <c>ods-RGN</c>, <c>school-123456</c>.</summary>
    public const string Organisation = "org";
    /// <summary>education, social-care or health.</summary>
    public const string Agency = "agency";
    /// <summary>Space-separated SMART scopes.</summary>
    public const string Scope = "scope";
    /// <summary>Space-separated purposes of use the client may claim.</summary>
    public const string Purposes = "purposes";
    /// <summary>Optional role of the user or system (e.g. sen-caseworker, senco, clinician, ig-lead).</summary>
    public const string Role = "role";
    /// <summary>Optional Patient id in context (patient/ scopes, subject access).</summary>
    public const string Patient = "patient";
    /// <summary>
    /// true in a token the token endpoint issued to a client of the gateway's registry: what the client does with it
    /// that outlives the token (a Subscription) stays held to its registration.
    /// </summary>
    public const string RegisteredClient = "registered_client";
}
