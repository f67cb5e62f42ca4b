using System.Text;

namespace EventPlatform.EndToEndTests.Fuzzing;

/// <summary>
/// One hostile request. <paramref name="KestrelRefuses"/> marks a request whose framing the HTTP
/// server itself refuses before any request exists (a NUL in a header, a header section or request
/// line over its limit): the API never sees it, so it has no ProblemDetails and no request id.
/// </summary>
internal sealed record FuzzCase(
    string Why,
    string Method,
    string Target,
    IReadOnlyList<(string Name, byte[] Value)> Headers,
    byte[]? Body,
    bool KestrelRefuses = false)
{
    public string Path => Target.Split('?')[0];

    public static (string Name, byte[] Value) Header(string name, string value) => (name, Encoding.UTF8.GetBytes(value));

    public static (string Name, byte[] Value) Header(string name, byte[] value) => (name, value);

    public override string ToString() => $"{Why}: {Method} {(Target.Length > 120 ? Target[..120] + "..." : Target)}";
}
