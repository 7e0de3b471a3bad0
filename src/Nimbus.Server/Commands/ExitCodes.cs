// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Server.Commands;

/// <summary>The process exit codes of the nimbus executable.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command ran and failed (power-tune: an API call or the function failed).</summary>
    public const int Failed = 1;
    public const int InvalidConfiguration = 2;

    /// <summary>Ended by SIGINT or SIGTERM (power-tune, after its clean-up): 128 + SIGINT's number, as shells report it.</summary>
    public const int Interrupted = 130;

    /// <summary>The data directory is in use by another server, or the port cannot be listened on.</summary>
    public const int CannotStart = 2;
}
