// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Functions;

/// <summary>GetAccountSettings' answer: the limits in force and what the account uses.</summary>
public sealed record AccountSettings(
    long TotalCodeSizeLimit,
    long CodeSizeUnzipped,
    long CodeSizeZipped,
    int ConcurrentExecutions,
    int UnreservedConcurrentExecutions,
    long TotalCodeSize,
    long FunctionCount);
