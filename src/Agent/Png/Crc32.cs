namespace EventPlatform.Agent.Png;

/// <summary>The CRC-32 of ISO 3309 / ITU-T V.42 that every PNG chunk carries (reflected, polynomial 0xEDB88320).</summary>
internal static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> data) => Append(0xFFFFFFFFu, data) ^ 0xFFFFFFFFu;

    /// <summary>Continues a running CRC register (start with 0xFFFFFFFF, finish with ^ 0xFFFFFFFF).</summary>
    public static uint Append(uint register, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            register = Table[(register ^ b) & 0xFF] ^ (register >> 8);
        }

        return register;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
