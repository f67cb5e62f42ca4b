using System.Security.Claims;
using System.Text.Encodings.Web;
using EventPlatform.Api.Jobs.Submitting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace EventPlatform.Api.Auth;

/// <summary>
/// <c>X-Api-Key</c> names the caller. A missing or unknown key is 401 with a ProblemDetails body
/// (written by the challenge), before any endpoint runs.
/// </summary>
internal sealed class ApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyRing keys) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";
    public const string AdminRole = "admin";
    public const string AdminPolicy = "admin";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var presented) || presented.Count != 1 || string.IsNullOrEmpty(presented[0]))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (keys.Find(presented[0]!) is not { } key)
        {
            return Task.FromResult(AuthenticateResult.Fail("Unknown API key."));
        }

        List<Claim> claims = [new(ClaimTypes.NameIdentifier, key.User)];
        if (key.Admin)
        {
            claims.Add(new Claim(ClaimTypes.Role, AdminRole));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var known = Request.Headers.ContainsKey(Header);
        if (Context.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName == SubmissionMetrics.EndpointName)
        {
            Context.RequestServices.GetRequiredService<SubmissionMetrics>().Refused(SubmissionMetrics.Reasons.Unauthorized);
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{Header}\"";
        var problems = Context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Unauthorized",
                Detail = known ? $"The {Header} header names no known API key." : $"Send your API key in the {Header} header.",
            },
        }).ConfigureAwait(false);
    }
}
