// SPDX-License-Identifier: Apache-2.0
using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;

namespace Nimbus.Lambda.RuntimeSupport;

/// <summary>
/// Loads the function's assemblies as AWS lays them out: the framework-dependent publish output in the task root
/// (its deps.json names packages' assets, RID-specific ones under runtimes/&lt;rid&gt;/), a layer's runtime package
/// store under /opt/dotnetcore/store (DOTNET_SHARED_STORE), DLLs at a layer's root, and shared frameworks beyond
/// Microsoft.NETCore.App that the function's runtimeconfig.json names (e.g. Microsoft.AspNetCore.App). The
/// runtime's own framework assemblies come from the default context, so the function and the runtime share them.
/// </summary>
internal sealed class FunctionLoadContext : AssemblyLoadContext
{
    private static readonly string[] s_rids = ["linux-x64", "linux", "unix", "any"];

    private readonly string _taskRoot;
    private readonly string _optRoot;
    private readonly string _mainAssembly;
    private readonly Dictionary<string, string> _platform;
    private Dictionary<string, List<string>>? _assets;
    private Dictionary<string, List<string>>? _natives;
    private List<string>? _frameworkDirectories;

    public FunctionLoadContext(string taskRoot, string optRoot, string mainAssembly)
        : base("Lambda function")
    {
        _taskRoot = taskRoot;
        _optRoot = optRoot;
        _mainAssembly = mainAssembly;
        _platform = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var tpa = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "";
        foreach (var path in tpa.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            _platform[Path.GetFileNameWithoutExtension(path)] = path;
        }
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var name = assemblyName.Name;
        if (name is null)
        {
            return null;
        }

        if (_platform.TryGetValue(name, out var platformPath))
        {
            // The framework's copy, unless the function ships a newer one (a package newer than the runtime's framework).
            var local = Path.Combine(_taskRoot, name + ".dll");
            return File.Exists(local) && IsNewer(local, platformPath) ? LoadFromAssemblyPath(local) : null;
        }

        return FindAssembly(name) is { } path ? LoadFromAssemblyPath(path) : null;
    }

    private static bool IsNewer(string candidate, string than)
    {
        try
        {
            return AssemblyName.GetAssemblyName(candidate).Version > AssemblyName.GetAssemblyName(than).Version;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        _natives ??= ReadDeps().Natives;
        foreach (var candidate in (ReadOnlySpan<string>)[unmanagedDllName, "lib" + unmanagedDllName + ".so", unmanagedDllName + ".so", "lib" + unmanagedDllName])
        {
            if (_natives.TryGetValue(candidate, out var paths))
            {
                foreach (var path in paths)
                {
                    if (File.Exists(path))
                    {
                        return LoadUnmanagedDllFromPath(path);
                    }
                }
            }

            foreach (var directory in (ReadOnlySpan<string>)[_taskRoot, Path.Combine(_taskRoot, "runtimes", "linux-x64", "native"), Path.Combine(_optRoot, "lib")])
            {
                var path = Path.Combine(directory, candidate);
                if (File.Exists(path))
                {
                    return LoadUnmanagedDllFromPath(path);
                }
            }
        }

        return IntPtr.Zero;
    }

    private string? FindAssembly(string name)
    {
        var file = name + ".dll";
        var local = Path.Combine(_taskRoot, file);
        if (File.Exists(local))
        {
            return local;
        }

        _assets ??= ReadDeps().Assets;
        if (_assets.TryGetValue(name, out var candidates))
        {
            foreach (var path in candidates)
            {
                if (File.Exists(path))
                {
                    return path;
                }
            }
        }

        _frameworkDirectories ??= FrameworkDirectories();
        foreach (var directory in _frameworkDirectories)
        {
            var path = Path.Combine(directory, file);
            if (File.Exists(path))
            {
                return path;
            }
        }

        var layer = Path.Combine(_optRoot, file);
        return File.Exists(layer) ? layer : null;
    }

    /// <summary>Each runtime and native asset of the function's deps.json, by name, where it may be on disk (task root first, then the store).</summary>
    private (Dictionary<string, List<string>> Assets, Dictionary<string, List<string>> Natives) ReadDeps()
    {
        var assets = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        var natives = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var depsFile = Path.Combine(_taskRoot, _mainAssembly + ".deps.json");
        if (!File.Exists(depsFile))
        {
            return (assets, natives);
        }

        using var deps = JsonDocument.Parse(File.ReadAllBytes(depsFile), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        var root = deps.RootElement;
        var targetName = root.TryGetProperty("runtimeTarget", out var runtimeTarget) && runtimeTarget.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
        var tfm = TargetFrameworkMoniker(targetName);
        var store = (Environment.GetEnvironmentVariable("DOTNET_SHARED_STORE") ?? Path.Combine(_optRoot, "dotnetcore", "store"))
            .Split(':', StringSplitOptions.RemoveEmptyEntries);
        if (!root.TryGetProperty("targets", out var targets) || !targets.TryGetProperty(targetName, out var target))
        {
            return (assets, natives);
        }

        root.TryGetProperty("libraries", out var libraries);
        foreach (var library in target.EnumerateObject())
        {
            // A store lays packages out as <id>/<version>, lower-cased: the library's "path", or its key when it has none.
            var libraryPath = libraries.ValueKind == JsonValueKind.Object && libraries.TryGetProperty(library.Name, out var info) && info.TryGetProperty("path", out var p)
                ? p.GetString()
                : library.Name.ToLowerInvariant();
            List<string> bases = [_taskRoot];
            if (libraryPath is not null)
            {
                foreach (var directory in store)
                {
                    bases.Add(Path.Combine(directory, "x64", tfm, libraryPath));
                }
            }

            if (library.Value.TryGetProperty("runtime", out var runtime))
            {
                foreach (var asset in runtime.EnumerateObject())
                {
                    Add(assets, Path.GetFileNameWithoutExtension(asset.Name), asset.Name, bases, flatten: true);
                }
            }

            if (library.Value.TryGetProperty("native", out var native))
            {
                foreach (var asset in native.EnumerateObject())
                {
                    Add(natives, Path.GetFileName(asset.Name), asset.Name, bases, flatten: true);
                }
            }

            if (library.Value.TryGetProperty("runtimeTargets", out var runtimeTargets))
            {
                foreach (var rid in s_rids)
                {
                    foreach (var asset in runtimeTargets.EnumerateObject())
                    {
                        if (asset.Value.TryGetProperty("rid", out var r) && r.GetString() == rid && asset.Value.TryGetProperty("assetType", out var type))
                        {
                            var isNative = type.GetString() == "native";
                            Add(isNative ? natives : assets, isNative ? Path.GetFileName(asset.Name) : Path.GetFileNameWithoutExtension(asset.Name), asset.Name, bases, flatten: false);
                        }
                    }
                }
            }
        }

        return (assets, natives);
    }

    private static void Add(Dictionary<string, List<string>> map, string key, string relative, List<string> bases, bool flatten)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        foreach (var directory in bases)
        {
            list.Add(Path.Combine(directory, relative));
            if (flatten)
            {
                list.Add(Path.Combine(directory, Path.GetFileName(relative)));
            }
        }
    }

    /// <summary>".NETCoreApp,Version=v8.0" → "net8.0", as runtime package stores name their directories.</summary>
    private static string TargetFrameworkMoniker(string targetName)
    {
        var version = targetName.IndexOf("Version=v", StringComparison.Ordinal);
        if (version < 0)
        {
            return "net" + Environment.Version.ToString(2);
        }

        var end = targetName.IndexOf('/', version);
        return "net" + (end < 0 ? targetName[(version + 9)..] : targetName[(version + 9)..end]);
    }

    /// <summary>The shared frameworks other than Microsoft.NETCore.App that the function's runtimeconfig.json names, newest of each major.</summary>
    private List<string> FrameworkDirectories()
    {
        List<string> directories = [];
        var config = Path.Combine(_taskRoot, _mainAssembly + ".runtimeconfig.json");
        var dotnetRoot = Path.GetDirectoryName(Environment.ProcessPath);
        if (!File.Exists(config) || dotnetRoot is null)
        {
            return directories;
        }

        using var document = JsonDocument.Parse(File.ReadAllBytes(config), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        if (!document.RootElement.TryGetProperty("runtimeOptions", out var options))
        {
            return directories;
        }

        List<JsonElement> frameworks = [];
        if (options.TryGetProperty("framework", out var single))
        {
            frameworks.Add(single);
        }

        if (options.TryGetProperty("frameworks", out var many) && many.ValueKind == JsonValueKind.Array)
        {
            frameworks.AddRange(many.EnumerateArray());
        }

        foreach (var framework in frameworks)
        {
            var name = framework.TryGetProperty("name", out var n) ? n.GetString() : null;
            var version = framework.TryGetProperty("version", out var v) ? v.GetString() : null;
            var shared = Path.Combine(dotnetRoot, "shared", name ?? "");
            if (name is null or "Microsoft.NETCore.App" || version is null || !Directory.Exists(shared))
            {
                continue;
            }

            var major = version.Split('.')[0] + ".";
            string? best = null;
            foreach (var candidate in Directory.GetDirectories(shared, major + "*"))
            {
                if (best is null || Version.TryParse(Path.GetFileName(candidate).Split('-')[0], out var a) && Version.TryParse(Path.GetFileName(best).Split('-')[0], out var b) && a > b)
                {
                    best = candidate;
                }
            }

            if (best is not null)
            {
                directories.Add(best);
            }
        }

        return directories;
    }
}
