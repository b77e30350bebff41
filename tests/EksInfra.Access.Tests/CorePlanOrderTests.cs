using CsCheck;
using EksInfra.Access.Planning;

namespace EksInfra.Access.Tests;

/// <summary>The plan's orders are stable ordinal sorts: the same model lists the same things in the same order, whatever the shortcuts.</summary>
public class CorePlanOrderTests
{
    // Few distinct, near-equal values, so that equal keys and shared prefixes are common.
    private static readonly Gen<string> Values = Gen.String[Gen.Char["abAB:/-"], 0, 4];

    [Fact]
    public void Ordering_by_a_key_is_a_stable_ordinal_sort()
    {
        Gen.Select(Values, Gen.Int[0, 1000]).List[0, 60].Sample(items =>
        {
            var expected = items.OrderBy(i => i.Item1, StringComparer.Ordinal).ToList();
            Assert.Equal(expected, AccessPlanner.OrderedByOrdinal(items, i => i.Item1));
        }, iter: 5_000);
    }

    [Fact]
    public void Sorted_lists_are_distinct_and_in_ordinal_order()
    {
        Values.List[0, 40].Sample(values =>
            Assert.Equal(values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal), AccessPlanner.Sorted(values)), iter: 5_000);
    }
}
