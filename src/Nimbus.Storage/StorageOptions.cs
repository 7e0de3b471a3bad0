// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Storage;

/// <summary>Where Nimbus keeps its state: the SQLite database and the deployment packages.</summary>
public sealed class StorageOptions
{
    /// <summary>The configuration section the server binds these options from.</summary>
    public const string SectionName = "Storage";

    /// <summary>
    /// The data directory (relative paths resolve against the working directory). It holds
    /// <c>nimbus.db</c> and <c>code/</c>; it is created when missing.
    /// </summary>
    public string DataDirectory { get; set; } = "./.nimbus";
}
