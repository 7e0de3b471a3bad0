// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Signing;

namespace Nimbus.Api.Access;

/// <summary>
/// An aws-chunked body that fails while an API reads it: a chunk signature that does not match, framing that is not
/// aws-chunked, or a length other than x-amz-decoded-content-length. Not an <see cref="IOException"/>, so that no API's
/// handler for unreadable bodies takes it for its own: the authentication middleware answers it, in the API's protocol.
/// </summary>
internal sealed class AwsChunkedBodyException(SignatureStatus status, string message) : Exception(message)
{
    public SignatureStatus Status { get; } = status;
}
