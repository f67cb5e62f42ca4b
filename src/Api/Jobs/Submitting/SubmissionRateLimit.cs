using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace EventPlatform.Api.Jobs.Submitting;

public sealed class SubmissionRateOptions
{
    public const string Section = "RateLimits:Submissions";

    /// <summary>Submissions a user may make at once.</summary>
    public int Burst { get; set; } = 100;

    /// <summary>Submissions a user regains per second.</summary>
    public int PerSecond { get; set; } = 50;
}

/// <summary>A token bucket per user for <c>POST /jobs</c>: one user's burst never spends another's budget.</summary>
internal static class SubmissionRateLimit
{
    public const string Policy = "submissions";

    public static void AddSubmissionRateLimit(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(SubmissionRateOptions.Section).Get<SubmissionRateOptions>() ?? new SubmissionRateOptions();
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(Policy, context => RateLimitPartition.GetTokenBucketLimiter(
                context.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? string.Empty,
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = settings.Burst,
                    TokensPerPeriod = settings.PerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
            limiter.OnRejected = RejectAsync;
        });
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var http = rejected.HttpContext;
        http.RequestServices.GetRequiredService<SubmissionMetrics>().Refused(SubmissionMetrics.Reasons.RateLimited);
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many submissions",
                Detail = $"You are submitting faster than your rate limit allows; try again in {seconds} s.",
            },
        }).ConfigureAwait(false);
    }
}
