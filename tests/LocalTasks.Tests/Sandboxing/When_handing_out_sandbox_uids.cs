using EventPlatform.LocalTasks.Sandboxing;

namespace EventPlatform.LocalTasks.Tests.Sandboxing;

public class When_handing_out_sandbox_uids
{
    private DirectoryInfo locks = null!;

    [SetUp]
    public void CreateLockFolder() => locks = Directory.CreateTempSubdirectory("ep-sandbox-uids-");

    [TearDown]
    public void RemoveLockFolder() => locks.Delete(recursive: true);

    [Test]
    public void Should_never_give_a_held_uid_again_not_even_to_another_host()
    {
        var here = new SandboxUids(300_000, 3, locks.FullName);
        var otherHost = new SandboxUids(300_000, 3, locks.FullName);

        using var first = here.Take();
        using var second = otherHost.Take();
        using var third = here.Take();

        Assert.That(new[] { first.Value, second.Value, third.Value }, Is.EquivalentTo(new[] { 300_000, 300_001, 300_002 }));
        Assert.That(() => otherHost.Take(), Throws.TypeOf<SandboxUnavailableException>().With.Message.Contains("all 3 sandbox uids"));
    }

    [Test]
    public void Should_give_a_uid_again_once_its_task_let_it_go()
    {
        var uids = new SandboxUids(300_000, 1, locks.FullName);

        using (var first = uids.Take())
        {
            Assert.That(first.Value, Is.EqualTo(300_000));
        }

        using var again = uids.Take();

        Assert.That(again.Value, Is.EqualTo(300_000));
    }
}
