// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Nimbus.Core.Runtimes;

/// <summary>
/// Runtime management (PutRuntimeManagementConfig): the update modes, and the runtime version ARN of what runs a
/// runtime on this host. AWS names a runtime version <c>arn:aws:lambda:REGION::runtime:HASH</c> with a 64-hex-digit
/// hash; Nimbus's hash is SHA-256 over the runtime id and what runs it here (interpreter, its directory, the runtime
/// client), so it changes exactly when the interpreter or client does.
/// </summary>
public static partial class RuntimeVersions
{
    public const string Auto = "Auto";
    public const string FunctionUpdate = "FunctionUpdate";
    public const string Manual = "Manual";

    /// <summary>The model's UpdateRuntimeOn enum, in its order.</summary>
    public static readonly IReadOnlyList<string> UpdateModes = [Auto, Manual, FunctionUpdate];

    /// <summary>The model's RuntimeVersionArn pattern.</summary>
    public const string ArnPatternText = @"arn:(aws[a-zA-Z-]*):lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}::runtime:.+";

    [GeneratedRegex("^" + ArnPatternText + "\\z", RegexOptions.CultureInvariant)]
    public static partial Regex ArnPattern();

    /// <summary>The runtime version ARN of <paramref name="runtime"/> as this host runs it.</summary>
    public static string Arn(string region, HostRuntime runtime)
    {
        var identity = string.Join('\n', runtime.Id, runtime.Interpreter, runtime.InterpreterHome, runtime.SdkDirectory);
        return $"arn:aws:lambda:{region}::runtime:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))}";
    }
}
