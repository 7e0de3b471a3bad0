// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Options;

namespace Nimbus.Storage;

/// <summary>Reports every problem of <see cref="StorageOptions"/> at once, at start.</summary>
internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add($"{nameof(StorageOptions.DataDirectory)} must not be empty.");
        }
        else if (options.DataDirectory.AsSpan().IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            failures.Add($"{nameof(StorageOptions.DataDirectory)} contains characters that are not valid in a path.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
