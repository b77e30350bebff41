using System.Globalization;
using System.Numerics;

namespace EksInfra.Access.Model;

/// <summary>
/// A resource quantity's value as the API server holds it after ParseQuantity, exactly, at any size: a decimal
/// quantity (no suffix, m, k..E, eN) has no upper bound there; only a binary-suffix one stops at 2^63 - 1.
/// Kept as Unscaled × 10^Exponent with no trailing zeros in Unscaled, so equal values are equal structs.
/// </summary>
public readonly record struct QuantityValue : IComparable<QuantityValue>
{
    private QuantityValue(BigInteger unscaled, long exponent)
    {
        Unscaled = unscaled;
        Exponent = exponent;
    }

    public BigInteger Unscaled { get; }

    public long Exponent { get; }

    public int Sign => Unscaled.Sign;

    public static readonly QuantityValue MaxInt64 = Of(long.MaxValue, 0);

    public static QuantityValue Of(BigInteger unscaled, long exponent)
    {
        if (unscaled.IsZero)
        {
            return default;
        }

        var digits = BigInteger.Abs(unscaled).ToString(CultureInfo.InvariantCulture);
        var zeros = digits.Length - digits.TrimEnd('0').Length;
        return zeros == 0 ? new QuantityValue(unscaled, exponent) : new QuantityValue(unscaled / BigInteger.Pow(10, zeros), exponent + zeros);
    }

    public QuantityValue Negate() => new(-Unscaled, Exponent);

    /// <summary>
    /// Whether Kubernetes' integer-resource rule (ValidateResourceQuantityValue: <c>value.MilliValue() % 1000 == 0</c>,
    /// MilliValue rounding up) takes this value as a whole count: 0.9999 does, rounding up to 1000 thousandths.
    /// </summary>
    public bool IsWholeAtMilliScale()
    {
        if (Exponent >= 0)
        {
            return true;
        }

        var magnitude = BigInteger.Abs(Unscaled);
        var millis = Exponent >= -3 ? magnitude * BigInteger.Pow(10, (int)(3 + Exponent)) : DivideRoundingUp(magnitude, -3 - Exponent);
        return (millis % 1000).IsZero;
    }

    /// <summary>|value| / 10^<paramref name="places"/>, rounded up; a divisor with more digits than the value leaves one.</summary>
    internal static BigInteger DivideRoundingUp(BigInteger magnitude, long places)
    {
        if (places > magnitude.GetBitLength())
        {
            return BigInteger.One;
        }

        var quotient = BigInteger.DivRem(magnitude, BigInteger.Pow(10, (int)places), out var remainder);
        return remainder.IsZero ? quotient : quotient + 1;
    }

    public int CompareTo(QuantityValue other)
    {
        if (Sign != other.Sign || Sign == 0)
        {
            return Sign.CompareTo(other.Sign);
        }

        var magnitude = CompareMagnitudes(BigInteger.Abs(Unscaled), Exponent, BigInteger.Abs(other.Unscaled), other.Exponent);
        return Sign > 0 ? magnitude : -magnitude;
    }

    // Without raising 10 to an exponent that can reach 2^31: when one value's exponent is ahead by more than the
    // other's bit length (which is at least its digit count), that value is the larger.
    private static int CompareMagnitudes(BigInteger left, long leftExponent, BigInteger right, long rightExponent)
    {
        if (leftExponent < rightExponent)
        {
            return -CompareMagnitudes(right, rightExponent, left, leftExponent);
        }

        var gap = leftExponent - rightExponent;
        return gap > right.GetBitLength() ? 1 : (left * BigInteger.Pow(10, (int)gap)).CompareTo(right);
    }

    public static bool operator <(QuantityValue left, QuantityValue right) => left.CompareTo(right) < 0;

    public static bool operator >(QuantityValue left, QuantityValue right) => left.CompareTo(right) > 0;

    public static bool operator <=(QuantityValue left, QuantityValue right) => left.CompareTo(right) <= 0;

    public static bool operator >=(QuantityValue left, QuantityValue right) => left.CompareTo(right) >= 0;

    /// <summary>Plain decimal (<c>0.5</c>, <c>1000000000000000000000000000000</c>); past 64 places either way, <c>3e2000000000</c>.</summary>
    public override string ToString()
    {
        var sign = Sign < 0 ? "-" : "";
        var digits = BigInteger.Abs(Unscaled).ToString(CultureInfo.InvariantCulture);
        if (Exponent is > 64 or < -64)
        {
            return FormattableString.Invariant($"{sign}{digits}e{Exponent}");
        }

        if (Exponent >= 0)
        {
            return sign + digits + new string('0', (int)Exponent);
        }

        var padded = digits.PadLeft((int)-Exponent + 1, '0');
        return $"{sign}{padded[..^(int)-Exponent]}.{padded[^(int)-Exponent..]}";
    }
}
