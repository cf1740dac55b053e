namespace SendInterop.Domain.Access;

/// <summary>
/// The SMART App Launch v2 resource permissions, one flag per letter of <c>cruds</c> (in that order).
/// </summary>
/// <remarks>
/// <c>c</c> type-level create; <c>r</c> read, vread and instance history; <c>u</c> update (including
/// update-as-create) and patch; <c>d</c> delete; <c>s</c> type and system search and history.
/// </remarks>
[Flags]
public enum SmartPermissions
{
    None = 0,
    Create = 1,
    Read = 2,
    Update = 4,
    Delete = 8,
    Search = 16,
    /// <summary><c>cruds</c>: the v2 equivalent of the v1 <c>*</c> permission.</summary>
    All = Create | Read | Update | Delete | Search,
}

/// <summary>The access context a resource scope applies in: the prefix before the <c>/</c>.</summary>
public enum SmartContext
{
    /// <summary><c>patient/</c>: data about the single patient in context.</summary>
    Patient,
    /// <summary><c>user/</c>: data the authorising user can access.</summary>
    User,
    /// <summary><c>system/</c>: data the client system itself is authorised for (backend services).</summary>
    System,
}

public static class SmartPermissionsText
{
    /// <summary>The permission letters in the order the specification requires.</summary>
    public const string Order = "cruds";

    /// <summary>v1 <c>read</c> in v2 terms (<c>rs</c>).</summary>
    public const SmartPermissions V1Read = SmartPermissions.Read | SmartPermissions.Search;

    /// <summary>v1 <c>write</c> in v2 terms (<c>cud</c>).</summary>
    public const SmartPermissions V1Write = SmartPermissions.Create | SmartPermissions.Update | SmartPermissions.Delete;

    /// <summary>The v2 suffix for a set of permissions, letters in <c>cruds</c> order (Read | Search gives "rs").</summary>
    /// <exception cref="ArgumentOutOfRangeException">No permission, or a bit outside <see cref="SmartPermissions.All"/>.</exception>
    public static string ToScopeSuffix(this SmartPermissions permissions)
    {
        if (permissions == SmartPermissions.None || (permissions & ~SmartPermissions.All) != 0)
            throw new ArgumentOutOfRangeException(nameof(permissions), permissions, "Expected a non-empty combination of Create, Read, Update, Delete and Search.");

        Span<char> letters = stackalloc char[Order.Length];
        var n = 0;
        for (var i = 0; i < Order.Length; i++)
            if ((permissions & FromIndex(i)) != 0) letters[n++] = Order[i];
        return new string(letters[..n]);
    }

    /// <summary>The text of a context as it appears in a scope ("patient", "user", "system").</summary>
    public static string ToScopeText(this SmartContext context) => context switch
    {
        SmartContext.Patient => "patient",
        SmartContext.User => "user",
        SmartContext.System => "system",
        _ => throw new ArgumentOutOfRangeException(nameof(context), context, "Unknown SMART context."),
    };

    internal static SmartPermissions FromIndex(int index) => (SmartPermissions)(1 << index);
}
