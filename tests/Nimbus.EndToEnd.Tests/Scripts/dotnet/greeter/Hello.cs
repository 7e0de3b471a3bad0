// SPDX-License-Identifier: Apache-2.0
// A dependency the layer test ships in a layer's runtime package store instead of the function's zip.
namespace Greeter;

public static class Hello
{
    public static string To(string name) => $"hello {name} from {typeof(Hello).Assembly.Location}";
}
