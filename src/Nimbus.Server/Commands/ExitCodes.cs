// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Server.Commands;

/// <summary>The process exit codes of the nimbus executable.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int InvalidConfiguration = 2;
}
