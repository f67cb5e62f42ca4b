using System.Globalization;
using System.Text;
using System.Text.Json;

namespace EventPlatform.Api.Http;

/// <summary>
/// What PostgreSQL can keep: no NUL (text and jsonb refuse it) and no unpaired surrogate (it has no
/// UTF-8 form). A caller's text that reaches the database is checked here first, so that it is a
/// 400 naming the field rather than a 500 from the database.
/// </summary>
internal static class StorableText
{
    public const string Rule = "no NUL character and no unpaired surrogate";

    public static bool IsStorable(string? text)
    {
        if (text is null)
        {
            return true;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0' || char.IsLowSurrogate(c))
            {
                return false;
            }

            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return false;
                }

                i++;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether every string and property name in <paramref name="json"/> is storable. JSON can
    /// escape a NUL (<c>\u0000</c>) or half a surrogate pair (<c>\ud800</c>); the second cannot even
    /// be read as a .NET string, which is why it is looked for here rather than left to a converter.
    /// </summary>
    public static bool IsStorable(JsonElement json)
    {
        try
        {
            return json.ValueKind switch
            {
                JsonValueKind.String => IsStorable(json.GetString()),
                JsonValueKind.Array => json.EnumerateArray().All(IsStorable),
                JsonValueKind.Object => json.EnumerateObject().All(property => IsStorable(property.Name) && IsStorable(property.Value)),
                _ => true,
            };
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Bytes the text takes as UTF-8; only for storable text (an unpaired surrogate has no UTF-8 form).</summary>
    public static int Utf8Bytes(string text) => Encoding.UTF8.GetByteCount(text);

    /// <summary>
    /// The text as a message may quote it: printable ASCII as it is, anything else as \uXXXX, and
    /// at most 40 characters, so a hostile name is recognisable without being reproduced.
    /// </summary>
    public static string Shown(string text)
    {
        var shown = new StringBuilder();
        foreach (var c in text.Length > 40 ? text[..40] : text)
        {
            if (c is >= ' ' and <= '~')
            {
                shown.Append(c);
            }
            else
            {
                shown.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
        }

        return text.Length > 40 ? shown.Append("...").ToString() : shown.ToString();
    }
}
