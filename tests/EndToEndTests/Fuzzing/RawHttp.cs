using System.Net.Sockets;
using System.Text;

namespace EventPlatform.EndToEndTests.Fuzzing;

/// <summary>One answer as it came off the wire.</summary>
internal sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string? MediaType => Headers.TryGetValue("content-type", out var type) ? type.Split(';')[0].Trim() : null;

    public string Text => Encoding.UTF8.GetString(Body);
}

/// <summary>
/// HTTP/1.1 over a socket of its own, one request per connection: HttpClient refuses to send what a
/// hostile caller sends (NUL or bytes outside ASCII in a header, a body larger than its declared
/// length allows the server to read), so the fuzzer writes the bytes itself.
/// </summary>
internal static class RawHttp
{
    private const int MaxResponseBytes = 64 * 1024 * 1024;

    public static async Task<RawResponse?> SendAsync(Uri server, byte[] request, byte[]? body, CancellationToken cancellationToken)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port, cancellationToken);
        var stream = tcp.GetStream();
        try
        {
            await stream.WriteAsync(request, cancellationToken);
            if (body is not null)
            {
                await stream.WriteAsync(body, cancellationToken);
            }
        }
        catch (IOException)
        {
            // The server may answer and close before it has read all of an oversized body.
        }

        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0 && received.Length < MaxResponseBytes)
            {
                received.Write(buffer, 0, read);
                if (IsEventStream(received))
                {
                    // An event stream never ends: its head is the answer.
                    break;
                }
            }
        }
        catch (IOException) when (received.Length > 0)
        {
            // A reset after the answer: what came is the answer.
        }

        return Parse(received.ToArray());
    }

    /// <summary>The request line and headers, each header value given as the bytes to send.</summary>
    public static byte[] Head(string method, string target, Uri server, IEnumerable<(string Name, byte[] Value)> headers, int? contentLength)
    {
        var head = new MemoryStream();
        void Write(string text) => head.Write(Encoding.Latin1.GetBytes(text));
        Write($"{method} {target} HTTP/1.1\r\nHost: {server.Host}:{server.Port}\r\nConnection: close\r\n");
        foreach (var (name, value) in headers)
        {
            Write($"{name}: ");
            head.Write(value);
            Write("\r\n");
        }

        if (contentLength is { } length)
        {
            Write($"Content-Length: {length}\r\n");
        }

        Write("\r\n");
        return head.ToArray();
    }

    private static bool IsEventStream(MemoryStream received)
    {
        var bytes = received.GetBuffer().AsSpan(0, (int)received.Length);
        var end = bytes.IndexOf("\r\n\r\n"u8);
        return end >= 0 && Encoding.Latin1.GetString(bytes[..end]).Contains("content-type: text/event-stream", StringComparison.OrdinalIgnoreCase);
    }

    private static RawResponse? Parse(byte[] bytes)
    {
        var end = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            return null;
        }

        var lines = Encoding.Latin1.GetString(bytes, 0, end).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
        }

        var body = bytes[(end + 4)..];
        return new RawResponse(status, headers, headers.TryGetValue("transfer-encoding", out var coding) && coding.Contains("chunked", StringComparison.OrdinalIgnoreCase) ? Dechunk(body) : body);
    }

    private static byte[] Dechunk(byte[] chunked)
    {
        var body = new MemoryStream();
        var at = 0;
        while (at < chunked.Length)
        {
            var lineEnd = chunked.AsSpan(at).IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                break;
            }

            var size = Convert.ToInt32(Encoding.ASCII.GetString(chunked, at, lineEnd).Split(';')[0].Trim(), 16);
            at += lineEnd + 2;
            if (size == 0 || at + size > chunked.Length)
            {
                break;
            }

            body.Write(chunked, at, size);
            at += size + 2;
        }

        return body.ToArray();
    }
}
