// SPDX-License-Identifier: Apache-2.0
using System.Collections.Frozen;

namespace Nimbus.Core.Runtimes;

/// <summary>Lambda's runtime identifiers: the model's enum, and those AWS no longer accepts for create or update.</summary>
public static class RuntimeCatalog
{
    /// <summary>Every value of the service model's Runtime enum, in the model's order (quoted by AWS's enum messages).</summary>
    public static readonly IReadOnlyList<string> ModelValues =
    [
        "nodejs", "nodejs4.3", "nodejs6.10", "nodejs8.10", "nodejs10.x", "nodejs12.x", "nodejs14.x", "nodejs16.x",
        "nodejs18.x", "nodejs20.x", "nodejs22.x", "nodejs24.x", "java8", "java8.al2", "java11", "java17", "java21",
        "java25", "python2.7", "python3.6", "python3.7", "python3.8", "python3.9", "python3.10", "python3.11",
        "python3.12", "python3.13", "python3.14", "dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1",
        "dotnet6", "dotnet8", "dotnet10", "nodejs4.3-edge", "go1.x", "ruby2.5", "ruby2.7", "ruby3.2", "ruby3.3",
        "ruby3.4", "ruby4.0", "provided", "provided.al2", "provided.al2023", "nodejs26.x", "python3.15",
        "java8.al2023", "java11.al2023", "java17.al2023",
    ];

    private static readonly FrozenSet<string> s_model = ModelValues.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Runtimes past AWS's "block function create/update" deprecation date.</summary>
    private static readonly FrozenSet<string> s_blocked = new[]
    {
        "nodejs", "nodejs4.3", "nodejs4.3-edge", "nodejs6.10", "nodejs8.10", "nodejs10.x", "nodejs12.x", "nodejs14.x",
        "nodejs16.x", "java8", "python2.7", "python3.6", "python3.7", "python3.8", "dotnetcore1.0", "dotnetcore2.0",
        "dotnetcore2.1", "dotnetcore3.1", "dotnet6", "go1.x", "ruby2.5", "ruby2.7", "provided",
    }.ToFrozenSet(StringComparer.Ordinal);

    public static bool IsModelValue(string runtime) => s_model.Contains(runtime);

    public static bool IsBlocked(string runtime) => s_blocked.Contains(runtime);

    /// <summary>The family a runtime id belongs to: python, nodejs, java, dotnet, ruby, provided.</summary>
    public static string FamilyOf(string runtime)
    {
        foreach (var family in (ReadOnlySpan<string>)["python", "nodejs", "java", "dotnet", "ruby", "provided", "go"])
        {
            if (runtime.StartsWith(family, StringComparison.Ordinal))
            {
                return family;
            }
        }

        return runtime;
    }
}
