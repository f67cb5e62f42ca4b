using EventPlatform.Api.Auth;
using EventPlatform.Api.Jobs.Reading;
using Marten;

namespace EventPlatform.Api.Dashboard;

/// <summary>
/// The dashboard's pages under <c>/ui</c> (docs/adr/0023-a-dashboard-served-by-the-api.md). Every page
/// is the same shell, whose script draws it from the API; what a caller may not see is decided here,
/// on the server, before any of it is sent: no session is a redirect to the sign-in page, another
/// user's job the same 404 page as a job that does not exist, an admin's page a 403 page for anyone else.
/// </summary>
internal static class DashboardPages
{
    public const string Root = "/ui";
    public const string SignInPath = Root + "/sign-in";

    /// <summary>What every dashboard answer says to the browser: only our own scripts and styles, never in a frame.</summary>
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
        + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", () => TypedResults.Redirect(Root + "/")).AllowAnonymous().ExcludeFromDescription();

        var ui = endpoints.MapGroup(Root).AllowAnonymous().ExcludeFromDescription()
            .AddEndpointFilter(async (context, next) =>
            {
                var headers = context.HttpContext.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "same-origin";
                return await next(context);
            });

        ui.MapGet("/sign-in", (HttpContext context, DashboardAssets assets) => Page(context, assets));
        ui.MapGet("/", (HttpContext context, DashboardAssets assets) => Page(context, assets, signedIn: true));
        ui.MapGet("/jobs", (HttpContext context, DashboardAssets assets) => Page(context, assets, signedIn: true));
        ui.MapGet("/jobs/{jobId:guid}", JobPageAsync);
        ui.MapGet("/users", (HttpContext context, DashboardAssets assets) => Page(context, assets, signedIn: true));
        ui.MapGet("/dead-letters", (HttpContext context, DashboardAssets assets) => Page(context, assets, signedIn: true, adminOnly: true));
        ui.MapGet("/assets/{name}", AssetAsync);
        ui.MapGet("/{**rest}", (HttpContext context, DashboardAssets assets) => assets.WriteAsync(context, "not-found.html", StatusCodes.Status404NotFound));
        return endpoints;
    }

    private static Task Page(HttpContext context, DashboardAssets assets, bool signedIn = false, bool adminOnly = false)
    {
        if (signedIn && context.User.Identity?.IsAuthenticated != true)
        {
            var back = context.Request.Path + context.Request.QueryString;
            context.Response.Redirect($"{SignInPath}?next={Uri.EscapeDataString(back)}");
            return Task.CompletedTask;
        }

        if (adminOnly && !Caller.From(context.User).IsAdmin)
        {
            return assets.WriteAsync(context, "forbidden.html", StatusCodes.Status403Forbidden);
        }

        return assets.WriteAsync(context, DashboardAssets.Shell);
    }

    private static async Task JobPageAsync(Guid jobId, HttpContext context, DashboardAssets assets, IQuerySession session)
    {
        if (context.User.Identity?.IsAuthenticated == true
            && await VisibleJob.LoadAsync(session, context.User, jobId, context.RequestAborted) is null)
        {
            await assets.WriteAsync(context, "not-found.html", StatusCodes.Status404NotFound);
            return;
        }

        await Page(context, assets, signedIn: true);
    }

    private static Task AssetAsync(string name, HttpContext context, DashboardAssets assets) =>
        assets.Has(name) && name != DashboardAssets.Shell
            ? assets.WriteAsync(context, name)
            : assets.WriteAsync(context, "not-found.html", StatusCodes.Status404NotFound);

}
