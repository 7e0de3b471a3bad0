// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Iam;

namespace Nimbus.Core.Tests.Access.Iam;

/// <summary>IAM's pagination: MaxItems (1–1000, 100 by default), IsTruncated, and a Marker that resumes where a page ended.</summary>
public sealed class IamPagingTests
{
    private static readonly string[] Names = [.. Enumerable.Range(0, 250).Select(i => $"user-{i:D3}")];

    [Fact]
    public void Of_NoMaxItems_PagesBy100UntilTheEnd()
    {
        var seen = new List<string>();
        string? marker = null;
        var pages = 0;
        do
        {
            var page = IamPaging.Of(Names, n => n, marker, null);
            seen.AddRange(page.Items);
            marker = page.Marker;
            pages++;
            Assert.Equal(page.IsTruncated, marker is not null);
        }
        while (marker is not null);

        Assert.Equal(3, pages);
        Assert.Equal(Names, seen);
    }

    [Fact]
    public void Of_MaxItemsOutOfRange_IsValidationError()
    {
        var error = Assert.Throws<IamException>(() => IamPaging.Of(Names, n => n, null, "1001"));

        Assert.Equal("1 validation error detected: Value '1001' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000", error.Message);
        Assert.Equal("ValidationError", Assert.Throws<IamException>(() => IamPaging.Of(Names, n => n, null, "0")).Code);
    }

    [Fact]
    public void Of_MarkerOfADeletedItem_ResumesAtTheNextOne()
    {
        var page = IamPaging.Of(Names, n => n, "user-9", "5");

        Assert.Empty(page.Items);
        Assert.False(page.IsTruncated);
        Assert.Equal(["user-011", "user-012"], IamPaging.Of(Names, n => n, "user-0105", "2").Items);
    }
}
