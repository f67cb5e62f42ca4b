using System.Globalization;
using System.Text;

namespace EventPlatform.Agent.Artifacts;

/// <summary>
/// The files a command left in <c>$EP_ARTIFACTS_DIR</c>, opened so that the agent, root, reads nothing
/// the command could not read itself (issue 12): every folder is opened relative to its parent with
/// O_NOFOLLOW (from / down), every entry relative to its open folder with O_NOFOLLOW, and what is
/// stored is decided by fstat of the opened descriptor. Only regular files and folders are taken, and
/// when the command ran as a uid of its own, only those that uid owns: a hard link to someone else's
/// file is not the job's. Links, FIFOs, sockets and devices are skipped; all skips are reported.
/// </summary>
/// <param name="path">The folder's real path (no link on the way), as the agent made it.</param>
/// <param name="ownerUid">The uid the command ran as, or null when it ran as the agent itself.</param>
/// <param name="notRead">Why the folder must not be read at all: something of the command still runs.</param>
/// <param name="bounds">What is looked at and stored at most; <see cref="ArtifactBounds.Default"/> unless a test says otherwise.</param>
internal sealed class ArtifactFolder(string path, int? ownerUid, string? notRead = null, ArtifactBounds? bounds = null)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly ArtifactBounds limits = bounds ?? ArtifactBounds.Default;

    /// <summary>Each file to store, open, in folder order (names sorted within a folder); what is skipped goes to <paramref name="errors"/>.</summary>
    public IEnumerable<ArtifactFile> Files(List<string> errors)
    {
        if (notRead is not null || !NoFollow.Supported)
        {
            errors.Add($"$EP_ARTIFACTS_DIR was not read: {notRead ?? "this platform cannot open files without following links"}");
            yield break;
        }

        using var top = NoFollow.OpenDirectory(path, out var error);
        if (top.IsInvalid)
        {
            if (error != NoFollow.NoSuchEntry)
            {
                errors.Add(error == NoFollow.TooManyLinks
                    ? "$EP_ARTIFACTS_DIR was replaced by a link; none of its files were stored."
                    : $"$EP_ARTIFACTS_DIR could not be opened ({NoFollow.Describe(error)}); none of its files were stored.");
            }

            yield break;
        }

        var tally = new Tally();
        foreach (var file in Walk(top, string.Empty, 0, tally, errors))
        {
            yield return file;
        }

        if (tally.EntriesPast)
        {
            errors.Add($"$EP_ARTIFACTS_DIR holds more than {Text(limits.MaxEntries)} entries; the rest were not looked at.");
        }

        if (tally.FilesPast > 0)
        {
            errors.Add($"$EP_ARTIFACTS_DIR holds {Text(tally.Files + tally.FilesPast)} files; only the first {Text(limits.MaxFiles)} were stored.");
        }
    }

    private IEnumerable<ArtifactFile> Walk(DirectoryStream folder, string prefix, int depth, Tally tally, List<string> errors)
    {
        foreach (var (name, bytes) in Names(folder, prefix, tally, errors))
        {
            var relative = prefix + name;
            if (!NoFollow.TryStat(folder, bytes, out var seen, out var error))
            {
                errors.Add($"'{relative}' was not stored: {NoFollow.Describe(error)}.");
                continue;
            }

            // Looked at before opening: a device is never opened, and past the bound a file is only counted.
            if (seen.Kind is not (EntryKind.File or EntryKind.Folder))
            {
                errors.Add(Skipped(relative, seen.Kind));
                continue;
            }

            if (seen.Kind == EntryKind.File && tally.Files >= limits.MaxFiles)
            {
                tally.FilesPast++;
                continue;
            }

            var descriptor = NoFollow.OpenEntry(folder, bytes, out error);
            if (descriptor < 0)
            {
                errors.Add(error switch
                {
                    NoFollow.TooManyLinks => Skipped(relative, EntryKind.Link),
                    NoFollow.NoDevice => Skipped(relative, EntryKind.Socket),
                    _ => $"'{relative}' could not be opened: {NoFollow.Describe(error)}.",
                });
                continue;
            }

            var refusal = NoFollow.TryStat(descriptor, out var opened, out error)
                ? Refusal(relative, opened, depth)
                : $"'{relative}' was not stored: {NoFollow.Describe(error)}.";
            if (refusal is not null)
            {
                NoFollow.Release(descriptor);
                errors.Add(refusal);
                continue;
            }

            if (opened.Kind == EntryKind.Folder)
            {
                using var inner = NoFollow.Stream(descriptor, out error);
                if (inner.IsInvalid)
                {
                    errors.Add($"'{relative}' could not be opened: {NoFollow.Describe(error)}.");
                    continue;
                }

                foreach (var file in Walk(inner, relative + "/", depth + 1, tally, errors))
                {
                    yield return file;
                }

                continue;
            }

            var size = (long)opened.Size;
            if (tally.Bytes + size > limits.MaxBytes)
            {
                NoFollow.Release(descriptor);
                errors.Add($"'{relative}' was not stored: with its {Text(size)} bytes the artifacts would pass {Text(limits.MaxBytes)} bytes.");
                continue;
            }

            tally.Files++;
            tally.Bytes += size;
            yield return new ArtifactFile(relative, NoFollow.Handle(descriptor), size);
        }
    }

    /// <summary>Why the entry, as its open descriptor says it is, is not taken; null when it is.</summary>
    private string? Refusal(string relative, EntryStat opened, int depth)
    {
        if (opened.Kind is not (EntryKind.File or EntryKind.Folder))
        {
            return Skipped(relative, opened.Kind);
        }

        if (ownerUid is { } uid && opened.Owner != (uint)uid)
        {
            var link = opened.Kind == EntryKind.File && opened.Links > 1 ? " (a hard link to a file that is not the job's)" : string.Empty;
            return $"'{relative}' was not stored: it belongs to uid {Text(opened.Owner)}, not to the job's uid {Text(uid)}{link}.";
        }

        return opened.Kind == EntryKind.Folder && depth + 1 > limits.MaxDepth
            ? $"'{relative}' was not stored: folders nest deeper than {Text(limits.MaxDepth)}."
            : null;
    }

    /// <summary>The folder's names, sorted, as far as the bound on entries allows.</summary>
    private List<(string Name, byte[] Bytes)> Names(DirectoryStream folder, string prefix, Tally tally, List<string> errors)
    {
        var names = new List<(string, byte[])>();
        while (NoFollow.ReadName(folder) is { } bytes)
        {
            if (bytes is [(byte)'.'] or [(byte)'.', (byte)'.'])
            {
                continue;
            }

            if (tally.Entries >= limits.MaxEntries)
            {
                tally.EntriesPast = true;
                break;
            }

            tally.Entries++;
            try
            {
                names.Add((StrictUtf8.GetString(bytes), bytes));
            }
            catch (DecoderFallbackException)
            {
                errors.Add($"'{prefix}{Encoding.UTF8.GetString(bytes)}' was not stored: its name is not UTF-8.");
            }
        }

        names.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return names;
    }

    private static string Skipped(string relative, EntryKind kind) => $"'{relative}' was not stored: it is {kind switch
    {
        EntryKind.Link => "a symbolic link",
        EntryKind.Fifo => "a FIFO",
        EntryKind.Socket => "a socket",
        _ => "a device",
    }}.";

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>What the walk has counted so far, against the bounds.</summary>
    private sealed class Tally
    {
        public int Entries;
        public bool EntriesPast;
        public int Files;
        public int FilesPast;
        public long Bytes;
    }
}

/// <summary>How much of a job's artifacts folder is looked at and stored; what is past a bound is reported.</summary>
/// <param name="MaxFiles">Files stored.</param>
/// <param name="MaxBytes">Their total size.</param>
/// <param name="MaxEntries">Names looked at, folders and skipped entries included: a million empty folders must not keep the agent busy.</param>
/// <param name="MaxDepth">Folders within folders: each open level holds a descriptor.</param>
internal sealed record ArtifactBounds(int MaxFiles, long MaxBytes, int MaxEntries, int MaxDepth)
{
    public static ArtifactBounds Default { get; } = new(1_000, 1L << 30, 10_000, 32);
}

/// <summary>One file to store, open since the walk checked it; its content is read from that descriptor only.</summary>
internal sealed class ArtifactFile(string name, Microsoft.Win32.SafeHandles.SafeFileHandle handle, long size) : IDisposable
{
    public string Name { get; } = name;

    public long Size { get; } = size;

    public Stream Content { get; } = new FileStream(handle, FileAccess.Read, 81_920);

    public void Dispose() => Content.Dispose();
}
