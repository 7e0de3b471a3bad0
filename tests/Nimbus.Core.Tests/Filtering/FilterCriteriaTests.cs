// SPDX-License-Identifier: Apache-2.0
using System.Text;
using System.Text.Json;
using Nimbus.Core.Filtering;
using static Nimbus.Core.Tests.Filtering.FilterJson;

namespace Nimbus.Core.Tests.Filtering;

/// <summary>FilterCriteria: filters OR together, at most 5 by default, each pattern at most 4096 characters.</summary>
public sealed class FilterCriteriaTests
{
    [Fact]
    public void Matches_AnyFilter_Matches()
    {
        var criteria = FilterCriteria.Create([J("{'a': ['1']}"), J("{'b': ['2']}")]);
        using var first = JsonDocument.Parse(J("{'a': '1'}"));
        using var second = JsonDocument.Parse(J("{'b': '2'}"));
        using var neither = JsonDocument.Parse(J("{'a': '2', 'b': '1'}"));

        Assert.True(criteria.Matches(first.RootElement));
        Assert.True(criteria.Matches(second.RootElement));
        Assert.False(criteria.Matches(neither.RootElement));
        Assert.True(criteria.Matches(Encoding.UTF8.GetBytes(J("{'b': '2'}"))));
        Assert.False(criteria.Matches("oops"u8));
        Assert.Equal(2, criteria.Filters.Count);
    }

    [Fact]
    public void Create_NoFilters_MatchesEverything()
    {
        var criteria = FilterCriteria.Create([]);
        using var record = JsonDocument.Parse("{}");

        Assert.Same(FilterCriteria.None, criteria);
        Assert.Empty(criteria.Filters);
        Assert.True(criteria.Matches(record.RootElement));
        Assert.True(criteria.Matches("not even json"u8));
    }

    [Fact]
    public void Create_FiveFilters_Accepted()
    {
        var patterns = Enumerable.Range(0, FilterCriteria.DefaultMaxFilters).Select(i => $$"""{"a": [{{i}}]}""").ToArray();

        Assert.Equal(5, FilterCriteria.Create(patterns).Filters.Count);
    }

    [Fact]
    public void Create_SixFilters_ThrowsInvalidParameter()
    {
        var patterns = Enumerable.Range(0, 6).Select(i => $$"""{"a": [{{i}}]}""").ToArray();

        LambdaAssert.InvalidParameter(
            "The number of filters in FilterCriteria (6) exceeds the limit of 5.",
            () => FilterCriteria.Create(patterns));
        Assert.Equal(6, FilterCriteria.Create(patterns, maxFilters: 10).Filters.Count);
    }

    [Fact]
    public void Create_InvalidPattern_ThrowsInvalidParameter() =>
        LambdaAssert.InvalidParameter(
            "Invalid filter pattern definition.",
            () => FilterCriteria.Create([J("{'a': ['1']}"), J("{'eventSource': 'aws:sqs'}")]));

    [Fact]
    public void Create_MissingPattern_ThrowsInvalidParameter() =>
        LambdaAssert.InvalidParameter("Invalid filter pattern definition.", () => FilterCriteria.Create([null]));

    [Fact]
    public void Create_PatternOf4096Characters_Accepted()
    {
        var pattern = Padded(EventFilter.MaxPatternLength);

        Assert.Single(FilterCriteria.Create([pattern]).Filters);
    }

    [Fact]
    public void Create_PatternsOver4096Characters_ThrowsValidationWithEvery()
    {
        var tooLong = Padded(EventFilter.MaxPatternLength + 1);

        LambdaAssert.Validation(
            $"2 validation errors detected: Value '{tooLong}' at 'filterCriteria.filters.1.member.pattern' failed to satisfy constraint: Member must have length less than or equal to 4096; " +
            $"Value '{tooLong}' at 'filterCriteria.filters.3.member.pattern' failed to satisfy constraint: Member must have length less than or equal to 4096",
            () => FilterCriteria.Create([tooLong, "{}", tooLong]));
    }

    /// <summary>A valid pattern of exactly <paramref name="length"/> characters.</summary>
    private static string Padded(int length)
    {
        const string Head = "{\"a\": [\"";
        const string Tail = "\"]}";
        return Head + new string('x', length - Head.Length - Tail.Length) + Tail;
    }
}
