// SPDX-License-Identifier: Apache-2.0
using Nimbus.Server.Hosting;

namespace Nimbus.Server.PowerTuning;

/// <summary>
/// An access key found as the AWS SDKs and CLI find one: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (with
/// AWS_SESSION_TOKEN) in the environment, else a profile of the shared credentials file (AWS_SHARED_CREDENTIALS_FILE or
/// ~/.aws/credentials; the profile given, else AWS_PROFILE, else default; read as the server reads its own, by
/// <see cref="CredentialsFile"/>, so a profile's session token is not taken). <c>nimbus server</c> writes its root key
/// to <c>.nimbus/credentials</c>, profile <c>nimbus</c>.
/// </summary>
/// <remarks>A class, not a record: a record's generated ToString would print the secret.</remarks>
internal sealed class AwsCredentials(string accessKeyId, string secretAccessKey, string? sessionToken)
{
    public string AccessKeyId { get; } = accessKeyId;

    public string SecretAccessKey { get; } = secretAccessKey;

    public string? SessionToken { get; } = sessionToken;

    /// <summary>The key, or null with <paramref name="error"/> saying what was looked at.</summary>
    public static AwsCredentials? Resolve(string? profile, Func<string, string?> environment, out string error)
    {
        error = "";
        if (profile is null && environment("AWS_ACCESS_KEY_ID") is { Length: > 0 } id && environment("AWS_SECRET_ACCESS_KEY") is { Length: > 0 } secret)
        {
            return new AwsCredentials(id, secret, environment("AWS_SESSION_TOKEN") is { Length: > 0 } token ? token : null);
        }

        var file = environment("AWS_SHARED_CREDENTIALS_FILE") is { Length: > 0 } shared
            ? shared
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".aws", "credentials");
        var name = profile ?? (environment("AWS_PROFILE") is { Length: > 0 } p ? p : "default");
        if (!File.Exists(file))
        {
            error = $"no credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set and {file} does not exist (nimbus server writes .nimbus/credentials, profile nimbus: set AWS_SHARED_CREDENTIALS_FILE and AWS_PROFILE)";
            return null;
        }

        foreach (var (found, keyId, secretKey) in CredentialsFile.Read(file))
        {
            if (found == name)
            {
                return new AwsCredentials(keyId, secretKey, null);
            }
        }

        error = $"no credentials: profile {name} in {file} has no aws_access_key_id and aws_secret_access_key";
        return null;
    }
}
