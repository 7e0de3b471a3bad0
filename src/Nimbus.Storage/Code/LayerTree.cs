// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Storage;

namespace Nimbus.Storage.Code;

/// <summary>
/// A function's <c>/opt</c>: its layers' unpacked directories merged in order, a later layer's file replacing an
/// earlier one's. Each ordered list of packages is merged once into <c>&lt;dataDir&gt;/code/opt/&lt;key&gt;</c>, keyed
/// by the hashes in order, and shared by every environment of every function with that list.
/// </summary>
/// <remarks>
/// The merge is a tree of hard links to the files the code store unpacked once per package: no file data is copied,
/// a merge costs one directory entry per file, it is built beside the final path and renamed into place (visible
/// only complete), and the same directory serves both sandboxes: runc binds it read-only at /opt, the process backend
/// (no mount namespace) points the runtime's paths at it. An overlay mount with one lowerdir per layer would avoid
/// even the links, but needs a mount per environment, privileges the process backend does not have, and an overlay
/// inside runc's rootless-style setup; a single read-only bind is simpler. A file whose link fails (another file
/// system) is copied. Merges are a cache: the directory is emptied at start and rebuilt on demand.
/// </remarks>
public sealed class LayerTree : ILayerTree
{
    private readonly ICodeStore _code;
    private readonly ILogger<LayerTree> _logger;
    private readonly string _root;
    private readonly ConcurrentDictionary<string, Task<string>> _merges = new(StringComparer.Ordinal);

    public LayerTree(string dataDirectory, ICodeStore code, ILogger<LayerTree> logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        _code = code;
        _logger = logger;
        _root = Path.Combine(Path.GetFullPath(dataDirectory), "code", "opt");
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }

        Directory.CreateDirectory(_root);
    }

    /// <summary>
    /// The directory to use as /opt for layers with these packages, in order: null without layers, the unpacked
    /// directory itself for one layer, a merged tree for several.
    /// </summary>
    public async Task<string?> EnsureAsync(IReadOnlyList<string> codeSha256s, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(codeSha256s);
        if (codeSha256s.Count == 0)
        {
            return null;
        }

        var directories = new string[codeSha256s.Count];
        for (var i = 0; i < directories.Length; i++)
        {
            directories[i] = await _code.EnsureUnpackedAsync(codeSha256s[i], cancellationToken);
        }

        if (directories.Length == 1)
        {
            return directories[0];
        }

        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', codeSha256s))))[..32];
        // One merge per list in this server; another server sharing the directory may merge too (one rename wins).
        // Made unstarted and started only if it is the one stored: GetOrAdd's factory may run more than once under a race,
        // and each run would merge into a temporary directory of its own.
        var candidate = new Task<string>(() => Merge(key, directories), CancellationToken.None);
        var merge = _merges.GetOrAdd(key, candidate);
        if (ReferenceEquals(merge, candidate))
        {
            candidate.Start(TaskScheduler.Default);
        }

        try
        {
            return await merge.WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A failed merge is retried by the next environment rather than remembered.
            _merges.TryRemove(new KeyValuePair<string, Task<string>>(key, merge));
            throw;
        }
    }

    private string Merge(string key, string[] directories)
    {
        var final = Path.Combine(_root, key);
        if (Directory.Exists(final))
        {
            return final;
        }

        var temp = Path.Combine(_root, $".tmp-{key}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        try
        {
            var files = 0;
            foreach (var directory in directories)
            {
                files += Overlay(directory, temp);
            }

            try
            {
                Directory.Move(temp, final);
            }
            catch (IOException) when (Directory.Exists(final))
            {
                Directory.Delete(temp, recursive: true);
                return final;
            }

            _logger.LayersMerged(directories.Length, files, final);
            return final;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Directory.Delete(temp, recursive: true);
            throw;
        }
    }

    /// <summary>Adds <paramref name="source"/>'s entries to <paramref name="target"/>, replacing what is there.</summary>
    private static int Overlay(string source, string target)
    {
        var count = 0;
        foreach (var entry in new DirectoryInfo(source).EnumerateFileSystemInfos())
        {
            var destination = Path.Combine(target, entry.Name);
            var isDirectory = entry is DirectoryInfo && entry.LinkTarget is null;
            if (isDirectory && Directory.Exists(destination) && new DirectoryInfo(destination).LinkTarget is null)
            {
                count += Overlay(entry.FullName, destination);
                continue;
            }

            Remove(destination);
            if (entry.LinkTarget is { } link)
            {
                File.CreateSymbolicLink(destination, link);
            }
            else if (isDirectory)
            {
                Directory.CreateDirectory(destination);
                count += Overlay(entry.FullName, destination);
            }
            else
            {
                if (NativeMethods.Link(entry.FullName, destination) != 0)
                {
                    File.Copy(entry.FullName, destination);
                }

                count++;
            }
        }

        return count;
    }

    private static void Remove(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null || File.Exists(path))
        {
            File.Delete(path);
        }
        else if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }
}
