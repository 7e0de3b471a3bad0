// SPDX-License-Identifier: Apache-2.0
using System.Text;

namespace Nimbus.Init.Tests.Support;

internal sealed record RawHttpResponse(int Status, Dictionary<string, string> Headers, byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);
}
