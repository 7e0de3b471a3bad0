// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Logs.Patterns;

/// <summary>What a JSON pattern's test checks of its selector.</summary>
internal enum JsonTest
{
    Compare,
    IsTrue,
    IsFalse,
    IsNull,
    NotExists,
}
