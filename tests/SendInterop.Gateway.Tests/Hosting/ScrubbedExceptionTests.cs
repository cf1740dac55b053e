using SendInterop.Gateway.Hosting;

namespace SendInterop.Gateway.Tests.Hosting;

/// <summary>What reaches the log of a failed request: the types and the stack, never a message that may quote its data.</summary>
public sealed class ScrubbedExceptionTests
{
    private static Exception Thrown()
    {
        try
        {
            try
            {
                throw new FormatException("NHS number 9434765919 for Jane Smith, born 2014-03-01");
            }
            catch (FormatException inner)
            {
                throw new InvalidOperationException("duplicate key (family)=(Smith)", inner);
            }
        }
        catch (InvalidOperationException ex)
        {
            return ex;
        }
    }

    [Fact]
    public void The_logged_form_keeps_types_and_stack_and_drops_every_message()
    {
        var original = Thrown();
        var logged = ScrubbedException.Of(original).ToString();

        Assert.Contains(typeof(InvalidOperationException).FullName!, logged, StringComparison.Ordinal);
        Assert.Contains(typeof(FormatException).FullName!, logged, StringComparison.Ordinal);
        Assert.Contains(nameof(Thrown), logged, StringComparison.Ordinal); // the stack frame
        foreach (var secret in new[] { "9434765919", "Jane", "Smith", "2014-03-01" })
            Assert.DoesNotContain(secret, logged, StringComparison.Ordinal);
        Assert.Contains("9434765919", original.ToString(), StringComparison.Ordinal); // what the log held before
    }
}
