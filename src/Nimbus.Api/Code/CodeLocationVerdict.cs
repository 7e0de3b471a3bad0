// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Api.Code;

/// <summary>What the check of a presigned <c>Code.Location</c> URL found, in the order it is checked.</summary>
internal enum CodeLocationVerdict
{
    /// <summary>Signed by this server, for this package and host, and not expired.</summary>
    Valid,

    /// <summary>A SigV4 query parameter is missing or unreadable (S3: 400 AuthorizationQueryParametersError).</summary>
    Malformed,

    /// <summary>The credential names a key this server does not hold, e.g. one from before a restart (S3: 403 InvalidAccessKeyId).</summary>
    UnknownAccessKey,

    /// <summary>The signature is not the one this server computes (S3: 403 SignatureDoesNotMatch).</summary>
    SignatureDoesNotMatch,

    /// <summary>X-Amz-Date plus X-Amz-Expires is in the past (S3: 403 AccessDenied, "Request has expired").</summary>
    Expired,
}
