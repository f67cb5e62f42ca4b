using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using EventPlatform.Agent.Png;

namespace EventPlatform.Agent.Tests.Png;

/// <summary>The PNG is checked by a reader written here from the specification, not by the writer's own code.</summary>
public class When_writing_a_png
{
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Test]
    public void Should_start_with_the_signature_and_hold_ihdr_idat_and_iend_with_valid_crcs()
    {
        var png = PngWriter.Encode(3, 2, Pixels(3, 2));

        Assert.That(png.Take(8), Is.EqualTo(Signature));
        var chunks = Chunks(png);
        Assert.That(chunks.Select(c => c.Type), Is.EqualTo(new[] { "IHDR", "IDAT", "IEND" }));
        foreach (var chunk in chunks)
        {
            Assert.That(chunk.Crc, Is.EqualTo(BitwiseCrc32(Encoding.ASCII.GetBytes(chunk.Type).Concat(chunk.Data).ToArray())), chunk.Type);
        }

        var header = chunks[0].Data;
        Assert.That(header, Has.Length.EqualTo(13));
        Assert.That(BinaryPrimitives.ReadInt32BigEndian(header), Is.EqualTo(3), "width");
        Assert.That(BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4)), Is.EqualTo(2), "height");
        Assert.That(header[8..], Is.EqualTo(new byte[] { 8, 2, 0, 0, 0 }), "8-bit truecolour, deflate, no filter method, no interlace");
        Assert.That(chunks[2].Data, Is.Empty);
    }

    [Test]
    public void Should_decode_to_the_pixels_it_was_given()
    {
        var pixels = Pixels(5, 4);

        var png = PngWriter.Encode(5, 4, pixels);

        using var zlib = new ZLibStream(new MemoryStream(Chunks(png).Single(c => c.Type == "IDAT").Data), CompressionMode.Decompress);
        using var raw = new MemoryStream();
        zlib.CopyTo(raw);
        var rows = raw.ToArray().Chunk(1 + (5 * 3)).ToList();
        Assert.That(rows, Has.Count.EqualTo(4));
        Assert.That(rows.Select(r => r[0]), Is.All.Zero, "every row has filter type None");
        Assert.That(rows.SelectMany(r => r.Skip(1)), Is.EqualTo(pixels));
    }

    [Test]
    public void Should_render_the_placeholder_screenshot_at_its_size()
    {
        var png = PngWriter.Encode(PlaceholderScreenshot.Width, PlaceholderScreenshot.Height, PlaceholderScreenshot.Render());

        var header = Chunks(png)[0].Data;
        Assert.That(BinaryPrimitives.ReadInt32BigEndian(header), Is.EqualTo(320));
        Assert.That(BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4)), Is.EqualTo(200));
        Assert.That(png, Has.Length.LessThan(20_000), "flat colours compress well");
    }

    [Test]
    public void Should_refuse_pixels_that_do_not_fit_the_size() =>
        Assert.Throws<ArgumentException>(() => PngWriter.Encode(2, 2, new byte[11]));

    [TestCase("", 0x00000000u)]
    [TestCase("123456789", 0xCBF43926u)]
    [TestCase("IEND", 0xAE426082u)]
    public void Should_compute_the_standard_crc32(string text, uint crc) =>
        Assert.That(Crc32.Compute(Encoding.ASCII.GetBytes(text)), Is.EqualTo(crc));

    private static byte[] Pixels(int width, int height) =>
        [.. Enumerable.Range(0, width * height * 3).Select(i => (byte)((i * 37) + 11))];

    private static List<(string Type, byte[] Data, uint Crc)> Chunks(byte[] png)
    {
        var chunks = new List<(string, byte[], uint)>();
        var at = 8;
        while (at < png.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var type = Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png.AsSpan(at + 8, length).ToArray();
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length));
            chunks.Add((type, data, crc));
            at += 12 + length;
        }

        Assert.That(at, Is.EqualTo(png.Length), "the chunks end where the file does");
        return chunks;
    }

    /// <summary>CRC-32 bit by bit, as the PNG specification's annex describes it.</summary>
    private static uint BitwiseCrc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return crc ^ 0xFFFFFFFFu;
    }
}
