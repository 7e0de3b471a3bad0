// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Functions;

/// <summary>The wire values of <c>State</c>, <c>LastUpdateStatus</c> and their reason codes (service model enums).</summary>
public static class FunctionStates
{
    public const string Pending = "Pending";
    public const string Active = "Active";
    public const string Failed = "Failed";

    public const string InProgress = "InProgress";
    public const string Successful = "Successful";

    public const string Creating = "Creating";
    public const string InvalidZipFile = "InvalidZipFileException";
    public const string InvalidRuntime = "InvalidRuntime";

    public const string CreatingReason = "The function is being created.";
    public const string UpdatingReason = "The function is being created.";
}
