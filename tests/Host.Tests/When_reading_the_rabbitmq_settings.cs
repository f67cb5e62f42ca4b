
using Microsoft.Extensions.Configuration;

namespace EventPlatform.Host.Tests;

public class When_reading_the_rabbitmq_settings
{
    [Test]
    public void Should_use_tls_on_5671_for_an_amazon_mq_amqps_endpoint()
    {
        var broker = Read(new()
        {
            ["Bus:RabbitMq:Host"] = "amqps://b-0a1b2c3d.mq.eu-west-1.amazonaws.com:5671",
            ["Bus:RabbitMq:Username"] = "eventplatform",
            ["Bus:RabbitMq:Password"] = "s3cret",
        });

        Assert.That(broker.Host, Is.EqualTo("b-0a1b2c3d.mq.eu-west-1.amazonaws.com"));
        Assert.That(broker.Port, Is.EqualTo(5671));
        Assert.That(broker.UseTls, Is.True);
        Assert.That(broker.VirtualHost, Is.EqualTo("/"));
        Assert.That((broker.Username, broker.Password), Is.EqualTo(("eventplatform", "s3cret")));
        Assert.That(broker.ToString(), Is.EqualTo("amqps://b-0a1b2c3d.mq.eu-west-1.amazonaws.com:5671/%2F"), "no credentials");
    }

    [Test]
    public void Should_default_a_plain_host_name_to_5672_without_tls_and_the_guest_user()
    {
        var broker = Read(new() { ["Bus:RabbitMq:Host"] = "rabbit.internal" });

        Assert.That((broker.Host, broker.Port, broker.UseTls, broker.VirtualHost), Is.EqualTo(("rabbit.internal", (ushort)5672, false, "/")));
        Assert.That((broker.Username, broker.Password), Is.EqualTo(("guest", "guest")));
    }

    [Test]
    public void Should_take_port_virtual_host_and_credentials_from_the_uri_unless_set_on_their_own()
    {
        var fromUri = Read(new() { ["Bus:RabbitMq:Host"] = "amqp://ops:p%40ss@127.0.0.1:15672/jobs" });
        var overridden = Read(new()
        {
            ["Bus:RabbitMq:Host"] = "amqp://ops:p%40ss@127.0.0.1:15672/jobs",
            ["Bus:RabbitMq:Port"] = "5673",
            ["Bus:RabbitMq:VirtualHost"] = "other",
            ["Bus:RabbitMq:Username"] = "svc",
        });

        Assert.That((fromUri.Port, fromUri.VirtualHost, fromUri.Username, fromUri.Password), Is.EqualTo(((ushort)15672, "jobs", "ops", "p@ss")));
        Assert.That(fromUri.UseTls, Is.False);
        Assert.That((overridden.Port, overridden.VirtualHost, overridden.Username, overridden.Password), Is.EqualTo(((ushort)5673, "other", "svc", "p@ss")));
    }

    [TestCase("https://rabbit.internal", "Bus:RabbitMq:Host 'https://rabbit.internal' is neither a host name nor an amqp:// or amqps:// URI.")]
    [TestCase("", "Bus:Transport RabbitMQ needs Bus:RabbitMq:Host (a host name or an amqp:// or amqps:// URI).")]
    public void Should_refuse_a_host_it_cannot_connect_to(string host, string error)
    {
        Assert.That(
            () => Read(new() { ["Bus:RabbitMq:Host"] = host }),
            Throws.TypeOf<HostConfigurationException>().With.Message.EqualTo(error));
    }

    [TestCase("0")]
    [TestCase("70000")]
    [TestCase("amqp")]
    public void Should_refuse_a_port_that_is_not_one(string port)
    {
        Assert.That(
            () => Read(new() { ["Bus:RabbitMq:Host"] = "rabbit.internal", ["Bus:RabbitMq:Port"] = port }),
            Throws.TypeOf<HostConfigurationException>().With.Message.EqualTo($"Bus:RabbitMq:Port '{port}' is not a port number (1 to 65535)."));
    }

    private static RabbitMqBroker Read(Dictionary<string, string?> settings) =>
        RabbitMqBroker.From(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
}
