namespace EventPlatform.Agent.Png;

/// <summary>A drawing of a browser window (title bar, address bar, a page with a result and a button), as RGB pixels.</summary>
internal static class PlaceholderScreenshot
{
    public const int Width = 320;
    public const int Height = 200;

    public static byte[] Render()
    {
        var rgb = new byte[Width * Height * 3];
        Fill(rgb, 0, 0, Width, Height, 0xF4, 0xF6, 0xFA);                // page
        Fill(rgb, 0, 0, Width, 24, 0xDD, 0xDF, 0xE4);                    // title bar
        Circle(rgb, 12, 12, 5, 0xFF, 0x5F, 0x57);                        // close
        Circle(rgb, 28, 12, 5, 0xFE, 0xBC, 0x2E);                        // minimise
        Circle(rgb, 44, 12, 5, 0x28, 0xC8, 0x40);                        // maximise
        Fill(rgb, 60, 5, Width - 70, 14, 0xFF, 0xFF, 0xFF);              // address bar
        Fill(rgb, 20, 40, Width - 40, 18, 0xFF, 0xFF, 0xFF);             // search box
        for (var i = 0; i < 4; i++)
        {
            Fill(rgb, 20, 72 + (i * 22), 160 + (i % 2 * 60), 6, 0x1A, 0x0D, 0xAB); // result titles
            Fill(rgb, 20, 81 + (i * 22), 240, 4, 0x9A, 0xA0, 0xA6);                 // result text
        }

        Fill(rgb, Width - 90, Height - 34, 70, 22, 0x1A, 0x73, 0xE8);    // button
        return rgb;
    }

    private static void Fill(byte[] rgb, int x, int y, int width, int height, byte r, byte g, byte b)
    {
        for (var row = Math.Max(0, y); row < Math.Min(Height, y + height); row++)
        {
            for (var column = Math.Max(0, x); column < Math.Min(Width, x + width); column++)
            {
                Set(rgb, column, row, r, g, b);
            }
        }
    }

    private static void Circle(byte[] rgb, int cx, int cy, int radius, byte r, byte g, byte b)
    {
        for (var row = cy - radius; row <= cy + radius; row++)
        {
            for (var column = cx - radius; column <= cx + radius; column++)
            {
                if ((column - cx) * (column - cx) + (row - cy) * (row - cy) <= radius * radius)
                {
                    Set(rgb, column, row, r, g, b);
                }
            }
        }
    }

    private static void Set(byte[] rgb, int x, int y, byte r, byte g, byte b)
    {
        var i = ((y * Width) + x) * 3;
        rgb[i] = r;
        rgb[i + 1] = g;
        rgb[i + 2] = b;
    }
}
