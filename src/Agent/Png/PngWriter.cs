using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace EventPlatform.Agent.Png;

/// <summary>
/// Encodes 8-bit RGB pixels as a PNG (signature, IHDR, one zlib IDAT, IEND): all a screenshot
/// placeholder needs, with no image library.
/// </summary>
internal static class PngWriter
{
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Rows of <paramref name="rgb"/> run top to bottom, three bytes (red, green, blue) per pixel.</summary>
    public static byte[] Encode(int width, int height, ReadOnlySpan<byte> rgb)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        var stride = width * 3;
        if (rgb.Length != stride * height)
        {
            throw new ArgumentException($"Expected {stride * height} bytes for {width}x{height} RGB, got {rgb.Length}.", nameof(rgb));
        }

        using var png = new MemoryStream();
        png.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8;  // bits per sample
        header[9] = 2;  // colour type: truecolour
        header[10] = 0; // deflate
        header[11] = 0; // adaptive filtering
        header[12] = 0; // no interlace
        WriteChunk(png, "IHDR", header);

        using (var pixels = new MemoryStream())
        {
            using (var zlib = new ZLibStream(pixels, CompressionLevel.Optimal, leaveOpen: true))
            {
                for (var y = 0; y < height; y++)
                {
                    zlib.WriteByte(0); // filter: none
                    zlib.Write(rgb.Slice(y * stride, stride));
                }
            }

            WriteChunk(png, "IDAT", pixels.GetBuffer().AsSpan(0, (int)pixels.Length));
        }

        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream png, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);

        Span<byte> typeBytes = stackalloc byte[4];
        Encoding.ASCII.GetBytes(type, typeBytes);
        png.Write(typeBytes);
        png.Write(data);

        var crc = Crc32.Append(Crc32.Append(0xFFFFFFFFu, typeBytes), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        png.Write(word);
    }
}
