using System.Text;
using Moneta.Crypto;
using Moneta.Tests.Support;

namespace Moneta.Tests.Crypto;

public sealed class WebhookSignatureTests
{
    [Fact]
    public void The_Standard_Webhooks_example_signature_is_reproduced()
    {
        // The example of the Standard Webhooks specification; the official JavaScript library gives the same value.
        var header = WebhookSignature.Header(["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"], "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, "{\"test\": 2432232314}"u8);

        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", header);
    }

    [Fact]
    public void The_worked_example_in_docs_webhooks_md_verifies()
    {
        const string body = """{"id":"7d0f0bb4-3c1e-4d6e-9b7a-6b9a3f0e2c11","type":"organization.status_changed","timestamp":"2026-11-21T12:00:00.123456Z","data":{"organization_id":"pub-1","kind":"publisher","from":"active","to":"suspended"}}""";

        var header = WebhookSignature.Header(["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"], "7d0f0bb4-3c1e-4d6e-9b7a-6b9a3f0e2c11", 1795262400, Encoding.UTF8.GetBytes(body));

        Assert.Equal("v1,CsPIcywpNSqBRWjKBbSMJBi6a5NaaV1xXwThuPOOIBk=", header);
        var documented = Repository.ReadFile("docs", "webhooks.md");
        Assert.Contains(body, documented, StringComparison.Ordinal);
        Assert.Contains(header, documented, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_secret_gives_its_own_signature_separated_by_a_space()
    {
        var (first, second) = (WebhookSignature.GenerateSecret(), WebhookSignature.GenerateSecret());
        var body = Encoding.UTF8.GetBytes("{\"id\":\"e\"}");

        var both = WebhookSignature.Header([first, second], "e", 1, body).Split(' ');

        Assert.Equal([WebhookSignature.Header([first], "e", 1, body), WebhookSignature.Header([second], "e", 1, body)], both);
    }

    [Fact]
    public void Generated_secrets_carry_32_random_bytes_after_the_whsec_prefix()
    {
        var secret = WebhookSignature.GenerateSecret();

        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.Equal(32, Convert.FromBase64String(secret["whsec_".Length..]).Length);
        Assert.NotEqual(secret, WebhookSignature.GenerateSecret());
    }
}
