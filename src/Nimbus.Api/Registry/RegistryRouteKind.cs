// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Api.Registry;

internal enum RegistryRouteKind
{
    Unknown,
    Ping,
    Manifest,
    Blob,
    Upload,
    Tags,
}
