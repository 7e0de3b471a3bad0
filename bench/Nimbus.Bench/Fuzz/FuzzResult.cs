// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;

namespace Nimbus.Bench.Fuzz;

/// <summary>The tallies of a fuzz pass: requests, statuses, and every 5xx, drop or hang with the request that got it.</summary>
internal sealed class FuzzResult
{
    private readonly SortedDictionary<int, int> _statuses = [];
    private readonly List<string> _failures = [];

    public int Requests { get; private set; }

    public TimeSpan Elapsed { get; set; }

    public int ServerErrors { get; private set; }

    public int Dropped { get; private set; }

    public IReadOnlyList<string> Failures => _failures;

    public bool Passed => ServerErrors == 0 && Dropped == 0;

    public void Add(int index, FuzzRequest request, FuzzOutcome outcome)
    {
        lock (_statuses)
        {
            Requests++;
            _statuses[outcome.Status] = _statuses.GetValueOrDefault(outcome.Status) + 1;
            if (outcome.Failure is not null || outcome.Status >= 500)
            {
                if (outcome.Status >= 500)
                {
                    ServerErrors++;
                }
                else
                {
                    Dropped++;
                }

                _failures.Add($"#{index} {outcome.Failure ?? outcome.Status.ToString(CultureInfo.InvariantCulture)}: {request.Summary}\n    -> {outcome.Head}");
            }
        }
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"fuzz: {Requests} requests in {Elapsed.TotalSeconds:F1} s ({Requests / Math.Max(Elapsed.TotalSeconds, 0.001):F0}/s); ");
        foreach (var group in _statuses.GroupBy(s => s.Key == 0 ? "none" : $"{s.Key / 100}xx"))
        {
            text.Append(CultureInfo.InvariantCulture, $"{group.Key} {group.Sum(s => s.Value)} ");
        }

        text.Append(CultureInfo.InvariantCulture, $"; 5xx {ServerErrors}, dropped or hung {Dropped}\nstatuses: ");
        text.Append(string.Join(", ", _statuses.Select(s => $"{(s.Key == 0 ? "none" : s.Key.ToString(CultureInfo.InvariantCulture))}×{s.Value}")));
        foreach (var failure in _failures)
        {
            text.Append('\n').Append(failure);
        }

        return text.ToString();
    }
}
