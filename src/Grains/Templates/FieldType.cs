namespace Moneta.Grains.Templates;

/// <summary>The types a template field may have (its <c>type</c> in the YAML).</summary>
public enum FieldType
{
    /// <summary>Text of at most <c>max_length</c> characters (default 1000).</summary>
    String,

    /// <summary>A decimal string in the currency named by <c>currency_field</c>; positive unless <c>sign</c> says otherwise.</summary>
    Amount,

    /// <summary>An ISO 4217 code.</summary>
    Currency,

    /// <summary>A JSON integer, within <c>minimum</c> and <c>maximum</c> when given.</summary>
    Integer,

    Boolean,

    /// <summary>An RFC 3339 date-time string.</summary>
    DateTime,

    /// <summary>One of the strings listed in <c>values</c>.</summary>
    Enum,

    /// <summary>An id: 1 to 128 characters of letters, digits, '-', '_', '.', ':' (a contract id, a code).</summary>
    Id,

    /// <summary>A SHA-256 digest: 64 lowercase hexadecimal characters.</summary>
    Sha256,

    /// <summary>A JSON array of at most <c>max_items</c> objects, each with the fields under <c>items</c>.</summary>
    Array,
}
