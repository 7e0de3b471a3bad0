// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Signing;

/// <summary>What checking a request's signature found; the API words each as the AWS service it speaks for does.</summary>
public enum SignatureStatus
{
    /// <summary>Well-formed and, once verified, correct.</summary>
    Valid,

    /// <summary>Neither an Authorization header nor a presigned query: MissingAuthenticationTokenException.</summary>
    Missing,

    /// <summary>Malformed: IncompleteSignatureException (query protocol: IncompleteSignature), 400.</summary>
    Incomplete,

    /// <summary>No such access key: UnrecognizedClientException (query: InvalidClientTokenId), 403.</summary>
    UnknownKey,

    /// <summary>The signature does not match: InvalidSignatureException (query: SignatureDoesNotMatch), 403.</summary>
    Mismatch,

    /// <summary>The date is outside the allowed skew, or a presigned URL has expired: 403, signature error type.</summary>
    Expired,

    /// <summary>The credential is scoped to another service than the one called: 403, signature error type.</summary>
    WrongScope,

    /// <summary>Temporary credentials Nimbus issued, past their expiry: ExpiredTokenException (query: ExpiredToken), 403.</summary>
    ExpiredToken,

    /// <summary>x-amz-content-sha256 names another payload than the body sent: 400.</summary>
    PayloadMismatch,

    /// <summary>An aws-chunked body that is cut short, malformed, or not x-amz-decoded-content-length long: S3's IncompleteBody, 400.</summary>
    IncompleteBody,

    /// <summary>An aws-chunked body without x-amz-decoded-content-length: S3's MissingContentLength, 411.</summary>
    MissingContentLength,
}
