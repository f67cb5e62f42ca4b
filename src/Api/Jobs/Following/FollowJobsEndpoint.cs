using System.Security.Claims;
using System.Text;
using System.Text.Json;
using EventPlatform.Api.Auth;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace EventPlatform.Api.Jobs.Following;

internal static class FollowJobsEndpoint
{
    public static void Map(IEndpointRouteBuilder jobs) =>
        jobs.MapGet("/events", Handle)
            .WithName("FollowJobs")
            .WithSummary("Follow job changes as Server-Sent Events")
            .WithDescription("A text/event-stream of the events of the jobs you may see (an admin: everyone's), as they are stored: "
                + "each is `event: job`, `id:` the event store's sequence number and `data:` {sequence, jobId, version, type, timestamp, state, userId}. "
                + "Reconnecting with the Last-Event-ID header (or lastEventId) resumes right after that event, with none lost or repeated; "
                + "without it the stream starts with the next change. A comment line is sent when nothing happened for a while. "
                + $"Filters: jobId (up to {JobChangeFilter.MaxJobIds}), state and label=key:value, each repeatable; any other parameter is 400.")
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesValidationProblem()
            .AddOpenApiOperationTransformer(DescribeAsync);

    private static Results<JobChangeStream, ValidationProblem> Handle(HttpContext context, ClaimsPrincipal user, JobChangeFeed feed, IOptions<JobFeedOptions> options)
    {
        var (filter, lastEventId, errors) = JobChangeFilter.Parse(context.Request.Query, context.Request.Headers["Last-Event-ID"].FirstOrDefault(), Caller.From(user));
        return filter is null
            ? TypedResults.ValidationProblem(errors, title: "The stream's query is not valid.")
            : new JobChangeStream(feed, filter, lastEventId, options.Value.Heartbeat);
    }

    private static Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext _, CancellationToken __)
    {
        operation.Parameters ??= [];
        foreach (var (name, description, schema) in new[]
        {
            ("jobId", $"Only this job; repeat for several (at most {JobChangeFilter.MaxJobIds}).", new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid" }),
            ("state", "Only events that put a job in this state (any case); repeatable. An event that sets no state (a cancel request) has state null.", new OpenApiSchema { Type = JsonSchemaType.String }),
            ("label", "key:value; only jobs with every label given.", new OpenApiSchema { Type = JsonSchemaType.String }),
        })
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = name,
                In = ParameterLocation.Query,
                Description = description,
                Style = ParameterStyle.Form,
                Explode = true,
                Schema = new OpenApiSchema { Type = JsonSchemaType.Array, Items = schema },
            });
        }

        operation.Parameters.Add(new OpenApiParameter
        {
            Name = "lastEventId",
            In = ParameterLocation.Query,
            Description = "Resume after this event id, for clients that cannot send the Last-Event-ID header.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Minimum = "0" },
        });
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = "Last-Event-ID",
            In = ParameterLocation.Header,
            Description = "The id of the last event received: EventSource sends it when it reconnects.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        });
        return Task.CompletedTask;
    }
}

/// <summary>
/// The stream itself: first, when resuming, what the store holds after the client's last event (read a
/// page at a time, as the feed reads it); then the feed's changes, skipping any the catch-up already
/// sent. The subscription starts before the catch-up reads, so nothing falls between the two.
/// </summary>
internal sealed class JobChangeStream(JobChangeFeed feed, JobChangeFilter filter, long? lastEventId, TimeSpan heartbeat) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        var cancellationToken = httpContext.RequestAborted;
        var json = httpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        using var subscription = await feed.SubscribeAsync(filter.Wants, cancellationToken);

        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await WriteAsync(response, "retry: 2000\n\n", cancellationToken);

        var sent = lastEventId ?? subscription.Position;
        try
        {
            if (lastEventId is not null)
            {
                var upTo = Math.Max(subscription.Position, await feed.HighWaterMarkAsync(cancellationToken));
                while (sent < upTo)
                {
                    var page = await feed.ReadAsync(sent, upTo, cancellationToken);
                    foreach (var change in page.Where(filter.Wants))
                    {
                        await SendAsync(response, change, json, cancellationToken);
                    }

                    sent = page.Count == 0 ? upTo : page[^1].Sequence;
                }
            }

            var reader = subscription.Channel.Reader;
            while (!cancellationToken.IsCancellationRequested)
            {
                using var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                quiet.CancelAfter(heartbeat);
                bool more;
                try
                {
                    more = await reader.WaitToReadAsync(quiet.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    await WriteAsync(response, ": heartbeat\n\n", cancellationToken);
                    continue;
                }

                if (!more)
                {
                    // The feed ended this stream (it fell too far behind): the client reconnects and resumes.
                    return;
                }

                while (reader.TryRead(out var change))
                {
                    if (change.Sequence > sent)
                    {
                        await SendAsync(response, change, json, cancellationToken);
                        sent = change.Sequence;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    private static Task SendAsync(HttpResponse response, JobChange change, JsonSerializerOptions json, CancellationToken cancellationToken) =>
        WriteAsync(response, $"id: {change.Sequence}\nevent: job\ndata: {JsonSerializer.Serialize(change.ToResponse(), json)}\n\n", cancellationToken);

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
