// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Functions;

/// <summary>The values of a function's recursion config, and how many invocations of one function a chain may hold.</summary>
public static class RecursiveLoops
{
    public const string Terminate = "Terminate";
    public const string Allow = "Allow";

    /// <summary>AWS stops a chain of events once it has invoked the same function about 16 times.</summary>
    public const int MaxInvocationsPerChain = 16;
}
