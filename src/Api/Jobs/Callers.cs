namespace EventPlatform.Api.Jobs;

/// <summary>Who is calling, until API keys identify callers (issue 4).</summary>
internal static class Callers
{
    public const string Anonymous = "anonymous";
}
