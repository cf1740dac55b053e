using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace SendInterop.Gateway.Security.Authentication;

/// <summary>
/// The authorization policy of the FHIR API: an authenticated caller whose token claims are usable (client id,
/// organisation, a known agency, a well-formed scope claim, known purposes). A verified token with unusable claims
/// is refused with 403 (the token is genuine; what it says cannot be acted on); no or a bad token with 401.
/// </summary>
public static class SendClientAuthorization
{
    public const string Policy = "SendClient";
}

/// <summary>The claims check of <see cref="SendClientAuthorization.Policy"/>.</summary>
public sealed class SendClientRequirement : IAuthorizationRequirement;

internal sealed class SendClientRequirementHandler : AuthorizationHandler<SendClientRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, SendClientRequirement requirement)
    {
        if (context.User.Identity?.IsAuthenticated != true) return Task.CompletedTask;
        var client = AuthenticatedClient.From(context.User, out var problem);
        if (client is null)
        {
            context.Fail(new AuthorizationFailureReason(this, problem));
            return Task.CompletedTask;
        }
        (context.Resource as HttpContext)?.SetAuthenticatedClient(client);
        context.Succeed(requirement);
        return Task.CompletedTask;
    }
}

/// <summary>Turns a refusal by <see cref="SendClientRequirementHandler"/> into an audited 403 OperationOutcome.</summary>
internal sealed class SendAuthorizationResultHandler(AuthAudit audit) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        if (result.Forbidden && result.AuthorizationFailure?.FailureReasons.FirstOrDefault(r => r.Handler is SendClientRequirementHandler) is { } reason)
        {
            await audit.AuthenticationRefusedAsync(context, AuthRules.InvalidClaims, context.User);
            await AuthProblemWriter.WriteAsync(context, StatusCodes.Status403Forbidden, "insufficient_scope", AuthRules.InvalidClaims, reason.Message);
            return;
        }
        await _default.HandleAsync(next, context, policy, result);
    }
}
