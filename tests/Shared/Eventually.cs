namespace EventPlatform.Testing;

internal static class Eventually
{
    /// <summary>Polls until <paramref name="probe"/> yields a value that satisfies <paramref name="done"/>, or fails the test.</summary>
    public static async Task<T> MatchAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        T last;
        do
        {
            last = await probe();
            if (done(last))
            {
                return last;
            }

            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}; last seen: {last}");
        return last;
    }
}
