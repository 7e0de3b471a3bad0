// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;

namespace Nimbus.Core.Queues;

/// <summary>Queue ARNs: <c>arn:aws:sqs:{region}:{account}:{name}</c>.</summary>
public static class QueueArn
{
    public static string Format(Scope scope, string name) => $"arn:{Scope.Partition}:sqs:{scope.Region}:{scope.Account}:{name}";

    public static bool TryParse(string? arn, out Scope scope, out string name)
    {
        scope = null!;
        name = string.Empty;
        if (arn is null)
        {
            return false;
        }

        var parts = arn.Split(':');
        if (parts.Length != 6 || parts[0] != "arn" || parts[2] != "sqs" || parts[3].Length == 0 || parts[4].Length == 0 || parts[5].Length == 0)
        {
            return false;
        }

        scope = new Scope(parts[4], parts[3]);
        name = parts[5];
        return true;
    }
}
