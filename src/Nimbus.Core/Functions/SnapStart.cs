// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Nimbus.Core.Errors;

namespace Nimbus.Core.Functions;

/// <summary>
/// Lambda SnapStart's settings and AWS's rules for them (docs/cold-starts.md#snapstart): a published version of a
/// function with <c>ApplyOn: PublishedVersions</c> is initialized once when it is published, and its new environments
/// start from that initialized template instead of running init again.
/// </summary>
public static class SnapStart
{
    public const string PublishedVersions = "PublishedVersions";
    public const string None = "None";

    public const string On = "On";
    public const string Off = "Off";

    /// <summary>AWS_LAMBDA_INITIALIZATION_TYPE of an environment started from a snapshot.</summary>
    public const string InitializationType = "snap-start";

    /// <summary>The largest ephemeral storage AWS allows with SnapStart (MB).</summary>
    public const int MaxEphemeralStorage = 512;

    /// <summary>True when publishing <paramref name="version"/> takes a snapshot.</summary>
    public static bool Applies(FunctionVersion version) =>
        version.SnapStartApplyOn == PublishedVersions && version.Version != FunctionVersion.Latest;

    /// <summary>
    /// SnapStart.OptimizationStatus as GetFunctionConfiguration shows it: On for a published SnapStart version whose
    /// snapshot is ready (Active), Off for $LATEST and every other version.
    /// </summary>
    public static string OptimizationStatus(FunctionVersion version) =>
        Applies(version) && version.State == FunctionStates.Active ? On : Off;

    /// <summary>
    /// The runtimes AWS offers SnapStart for (Java 11 and later, Python 3.12 and later, .NET 8 and later).
    /// </summary>
    public static bool SupportsRuntime(string runtime)
    {
        if (runtime.StartsWith("python3.", StringComparison.Ordinal))
        {
            return int.TryParse(runtime.AsSpan("python3.".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var minor) && minor >= 12;
        }

        if (runtime.StartsWith("java", StringComparison.Ordinal))
        {
            return int.TryParse(runtime.AsSpan("java".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var major) && major >= 11;
        }

        if (runtime.StartsWith("dotnet", StringComparison.Ordinal))
        {
            return int.TryParse(runtime.AsSpan("dotnet".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var major) && major >= 8;
        }

        return false;
    }

    /// <summary>
    /// AWS's refusals for a configuration with SnapStart on, checked on the configuration a create or update results
    /// in (a runtime change may make an existing SnapStart setting invalid, and the other way round).
    /// </summary>
    public static void Check(FunctionVersion version)
    {
        if (version.SnapStartApplyOn != PublishedVersions)
        {
            return;
        }

        if (version.PackageType == "Image")
        {
            // The text AWS answered for container images before it accepted them with a label (2026).
            throw LambdaErrors.InvalidParameter("ContainerImage is not supported for SnapStart enabled functions.");
        }

        if (version.Runtime is { } runtime && !SupportsRuntime(runtime))
        {
            throw LambdaErrors.InvalidParameter($"{runtime} is not supported for SnapStart enabled functions.");
        }

        if (version.EphemeralStorageSize > MaxEphemeralStorage)
        {
            // AWS documents the limit ("ephemeral storage greater than 512 MB" is not supported); the exact text of
            // its refusal is not known here, this one follows the form of the runtime refusal above.
            throw LambdaErrors.InvalidParameter("Ephemeral storage greater than 512 MB is not supported for SnapStart enabled functions.");
        }
    }

    /// <summary>
    /// PutProvisionedConcurrencyConfig on a SnapStart version: AWS documents that SnapStart does not support
    /// provisioned concurrency; the exact text of its refusal is not known here.
    /// </summary>
    public static LambdaException ProvisionedConcurrencyRefused() =>
        LambdaErrors.InvalidParameter("Provisioned Concurrency is not supported for SnapStart enabled functions.");

    /// <summary>
    /// Invoke whose new environment's restore phase (the fork and the after-restore hooks) outran the 10 s init limit:
    /// AWS's SnapStartTimeoutException (408). Its runtime message is not known here; the text is the model's description.
    /// </summary>
    public static LambdaException RestoreTimedOut() => new(
        "SnapStartTimeoutException",
        408,
        "Lambda couldn't restore the snapshot within the timeout limit.");

    /// <summary>
    /// Invoke whose new environment's after-restore hook raised: AWS's SnapStartException (400). Its runtime message is
    /// not known here; the text is the model's description of the error.
    /// </summary>
    public static LambdaException AfterRestoreFailed() => new(
        "SnapStartException",
        400,
        "The afterRestore() runtime hook encountered an error. For more information, check the Amazon CloudWatch logs.");

    /// <summary>
    /// Invoke whose new environment's restore failed before its after-restore hooks could run: the runtime could not be
    /// had from the snapshot (its fork, its entering the environment or its lockdown failed or never finished). AWS
    /// answers a restore that fails with SnapStartException (400); its message for a failure other than a hook's is
    /// not known here, so the text says what happened and where to look.
    /// </summary>
    public static LambdaException RestoreFailed() => new(
        "SnapStartException",
        400,
        "Lambda couldn't restore the snapshot. For more information, check the Nimbus server log.");

    /// <summary>
    /// Invoke of a SnapStart version whose snapshot is not ready yet (Pending): AWS's SnapStartNotReadyException, with
    /// the text AWS's troubleshooting page quotes.
    /// </summary>
    public static LambdaException NotReady() => new(
        "SnapStartNotReadyException",
        409,
        "Lambda is initializing your function. It will be ready to invoke once your function state becomes ACTIVE.");
}
