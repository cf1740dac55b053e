using System.Net;
using System.Net.Http.Headers;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using SendInterop.Storage.Model;

namespace SendInterop.Gateway.Subscriptions;

/// <summary>The outcome of one notification: delivered, or refused by the endpoint after every attempt (and why, without personal data).</summary>
public sealed record DeliveryResult(bool Delivered, string? Failure);

/// <summary>
/// Sends one rest-hook notification (FHIR R4): with an empty payload, a POST with no body to the endpoint; with
/// <c>application/fhir+json</c>, a PUT of the resource to <c>[endpoint]/[type]/[id]</c>. Transient failures (network
/// errors, timeouts, 408, 429, 5xx) are retried with exponential backoff and jitter (Polly); any other answer is final.
/// Redirects are not followed: the endpoint is the address the organisation registered, nowhere else.
/// </summary>
public sealed class RestHookSender(IHttpClientFactory clients, IOptions<SubscriptionOptions> options)
{
    public const string ClientName = "subscription-rest-hook";

    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline = Build(options.Value);

    /// <param name="stillCurrent">Asked before each retry: false ends the delivery as done (a newer version replaces it).</param>
    public async Task<DeliveryResult> SendAsync(Subscription subscription, ResourceRecord resource, Func<CancellationToken, Task<bool>> stillCurrent, CancellationToken ct)
    {
        var client = clients.CreateClient(ClientName);
        var channel = subscription.Channel;
        var withPayload = channel.Payload == SubscriptionRules.FhirJson;
        var url = withPayload
            ? $"{channel.Endpoint!.TrimEnd('/')}/{resource.ResourceType}/{Uri.EscapeDataString(resource.ResourceId)}"
            : channel.Endpoint!;
        try
        {
            var attempt = 0;
            using var response = await _pipeline.ExecuteAsync(async token =>
            {
                if (attempt++ > 0 && !await stillCurrent(token)) throw new SupersededException();
                // A request message cannot be sent twice: each attempt builds its own.
                using var request = new HttpRequestMessage(withPayload ? HttpMethod.Put : HttpMethod.Post, url);
                if (withPayload)
                {
                    request.Content = new ByteArrayContent(resource.Json);
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue(SubscriptionRules.FhirJson);
                }
                foreach (var header in channel.Header.OfType<string>())
                {
                    var colon = header.IndexOf(':');
                    request.Headers.TryAddWithoutValidation(header[..colon].Trim(), header[(colon + 1)..].Trim());
                }
                // Headers only: the receiver's body is never read, so a hostile endpoint cannot make the gateway buffer it.
                return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
            }, ct);
            return response.IsSuccessStatusCode
                ? new DeliveryResult(true, null)
                : new DeliveryResult(false, $"the endpoint answered {(int)response.StatusCode}");
        }
        catch (SupersededException)
        {
            return new DeliveryResult(true, null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException && !ct.IsCancellationRequested)
        {
            return new DeliveryResult(false, ex switch
            {
                TimeoutRejectedException => "the endpoint did not answer in time",
                HttpRequestException { InnerException: ForbiddenAddressException } => "the endpoint's name resolves to an address notifications may not go to",
                _ => "the endpoint could not be reached",
            });
        }
    }

    private static ResiliencePipeline<HttpResponseMessage> Build(SubscriptionOptions o) =>
        new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => (int)r.StatusCode >= 500 || r.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests),
                MaxRetryAttempts = Math.Max(0, o.MaxAttempts - 1),
                Delay = TimeSpan.FromMilliseconds(Math.Max(1, o.RetryDelayMilliseconds)),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            })
            .AddTimeout(TimeSpan.FromMilliseconds(Math.Max(100, o.AttemptTimeoutMilliseconds)))
            .Build();
}

/// <summary>The version being delivered is no longer current: its retries stop (not a failure of the endpoint).</summary>
internal sealed class SupersededException : Exception;
