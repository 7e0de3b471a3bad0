// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Nimbus.Api.Access;
using Nimbus.Api.Hosting;
using Nimbus.Core.Access;
using Nimbus.Core.Access.Credentials;
using Nimbus.Core.Access.Signing;

namespace Nimbus.Api.FunctionUrls;

/// <summary>
/// Checks the SigV4 signature (service <c>lambda</c>) of a request to an AWS_IAM function URL, with the keys the
/// rest of the API uses. The authentication middleware leaves function URL requests alone, because NONE URLs take
/// unsigned requests; this is the check for the others. The body is already read, so its hash is computed here.
/// </summary>
internal sealed class FunctionUrlAuthenticator(CredentialDirectory credentials, SigV4Verifier verifier, IOptions<ApiOptions> options, TimeProvider time)
{
    private const string Service = "lambda";

    private readonly CallerIdentity _rootWhenOff = CallerIdentity.ForArn(
        $"arn:aws:iam::{options.Value.AccountId}:root", options.Value.AccountId, accessKeyId: "AKIANIMBUSAUTHOFF000");

    /// <summary>The signing caller, or null when the request is unsigned or its signature does not hold.</summary>
    public CallerIdentity? Authenticate(HttpRequest request, ReadOnlySpan<byte> body)
    {
        if (!options.Value.Authenticate)
        {
            return _rootWhenOff;
        }

        var signed = new HttpSignedRequest(request);
        if (!SigV4Parser.Parse(signed, out var authorization).IsValid)
        {
            return null;
        }

        var now = time.GetUtcNow();
        if (!credentials.TryGet(authorization.AccessKeyId, now, out var credential) || !credential.IsActive || !SameToken(credential.SessionToken, authorization.SecurityToken))
        {
            return null;
        }

        var declared = request.Headers[SigV4.ContentSha256Header].ToString();
        string hash;
        if (declared.Length > 0 && declared.Length != 64)
        {
            hash = declared;
        }
        else
        {
            Span<byte> digest = stackalloc byte[32];
            SHA256.HashData(body, digest);
            hash = Convert.ToHexStringLower(digest);
            if (declared.Length > 0 && !declared.Equals(hash, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }
        }

        return verifier.Verify(signed, authorization, credential.SecretAccessKey, hash, now, Service).IsValid ? credential.Identity : null;
    }

    private static bool SameToken(string? expected, string? given) =>
        expected is null
        || (given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(given)));
}
