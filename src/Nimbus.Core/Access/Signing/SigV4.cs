// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Signing;

/// <summary>
/// The names and literals of AWS Signature Version 4
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html), shared by the
/// verifier, the signer and their tests.
/// </summary>
public static class SigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string Terminator = "aws4_request";
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";
    public const string StreamingPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
    public const string StreamingUnsignedPayloadTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
    public const string StreamingPayloadTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";

    public const string AuthorizationHeader = "authorization";
    public const string DateHeader = "x-amz-date";
    public const string HttpDateHeader = "date";
    public const string SecurityTokenHeader = "x-amz-security-token";
    public const string ContentSha256Header = "x-amz-content-sha256";

    public const string AlgorithmParameter = "X-Amz-Algorithm";
    public const string CredentialParameter = "X-Amz-Credential";
    public const string DateParameter = "X-Amz-Date";
    public const string ExpiresParameter = "X-Amz-Expires";
    public const string SignedHeadersParameter = "X-Amz-SignedHeaders";
    public const string SignatureParameter = "X-Amz-Signature";
    public const string SecurityTokenParameter = "X-Amz-Security-Token";

    /// <summary>AWS's message for a signature that does not match (Lambda's InvalidSignatureException, the query protocols' SignatureDoesNotMatch).</summary>
    public const string SignatureMismatchMessage =
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

    public const string ContentEncodingAwsChunked = "aws-chunked";
    public const string DecodedContentLengthHeader = "x-amz-decoded-content-length";
    public const string TrailerHeader = "x-amz-trailer";

    /// <summary>The hex SHA-256 of an empty payload.</summary>
    public const string EmptyPayloadSha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>The format of X-Amz-Date: ISO 8601 basic, UTC.</summary>
    public const string TimestampFormat = "yyyyMMdd'T'HHmmss'Z'";

    /// <summary>How far a request's date may be from the server's clock (AWS: 15 minutes).</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(15);

    /// <summary>The longest a presigned URL may be valid: seven days, as on AWS.</summary>
    public const int MaxPresignedExpirySeconds = 604_800;
}
