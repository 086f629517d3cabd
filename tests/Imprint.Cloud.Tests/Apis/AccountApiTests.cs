using System.Net;
using Imprint.Sdk.Cloud;
using Imprint.Tests.Support;

namespace Imprint.Tests.Apis;

public abstract class AccountApiTests(CloudFixture fixture) : CloudApiTests(fixture)
{
    [Fact]
    public async Task CreateAccount_GivesOwnerCredentialsAndDefaultFactory()
    {
        var (owner, account) = await Host.NewAccountAsync();
        var me = await owner.WhoAmIAsync();
        me.Account.Id.ShouldBe(account.Account.Id);
        me.Role.ShouldBe(Role.Owner);
        var factories = await owner.ListFactoriesAsync();
        factories.Single().Name.ShouldBe("My Default Factory");
        (await owner.ListAuditAsync()).Select(a => a.Action).ShouldContain("account.create");
    }

    [Fact]
    public async Task Credentials_CreatedListedWithoutSecretAndRevoked()
    {
        var (owner, _) = await Host.NewAccountAsync();
        var created = await owner.CreateCredentialAsync(new CreateCredentialRequest("ci"));
        created.Secret.Length.ShouldBeGreaterThanOrEqualTo(43);
        created.CloudUrl.ShouldBe(Host.BaseUrl);
        using var second = new CloudClient(Host.Http, created);
        (await second.ListFactoriesAsync()).Count.ShouldBe(1);

        var listed = await owner.ListCredentialsAsync();
        listed.Count.ShouldBe(2);
        listed.Single(c => c.Id == created.Id).LastUsedAt.ShouldNotBeNull();
        var json = System.Text.Json.JsonSerializer.Serialize(listed, CloudJson.Options);
        json.ShouldNotContain(created.Secret);

        await owner.RevokeCredentialAsync(created.Id);
        await Refused(() => second.ListFactoriesAsync(), HttpStatusCode.Unauthorized, $"Credential '{created.Id}' was revoked.");
        (await owner.ListAuditAsync()).Select(a => a.Action).ShouldContain("credential.revoke");
    }

    [Fact]
    public async Task WrongSecret_IsUnauthorizedProblem()
    {
        var (owner, account) = await Host.NewAccountAsync();
        using var wrong = new CloudClient(Host.Http, account.Credentials with { Secret = "not-the-secret" });
        await Refused(() => wrong.ListFactoriesAsync(), HttpStatusCode.Unauthorized, "The credential id or secret is wrong.");
        var response = await Host.Http.GetAsync("/api/v1/factories");
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadAsStringAsync()).ShouldContain("Bearer ID.SECRET");
    }

    [Fact]
    public async Task Roles_OperatorReadsOnly_EngineerManagesJobsNotFactories()
    {
        var (owner, account) = await Host.NewAccountAsync();
        var factory = account.DefaultFactory.Id;
        var operatorUser = await owner.CreateUserAsync(new CreateUserRequest("Otto Operator", Role.Operator));
        var engineerUser = await owner.CreateUserAsync(new CreateUserRequest("Erin Engineer", Role.Engineer));
        using var op = new CloudClient(Host.Http, await owner.CreateCredentialAsync(new CreateCredentialRequest("op", operatorUser.Id)));
        using var eng = new CloudClient(Host.Http, await owner.CreateCredentialAsync(new CreateCredentialRequest("eng", engineerUser.Id)));

        var job = await RegisterJobAsync(eng, factory);
        (await op.GetJobAsync(job.Id)).Name.ShouldBe(job.Name);
        await Refused(() => op.JobActionAsync(job.Id, "pause"), HttpStatusCode.Forbidden, "Role 'operator' may not pause jobs");
        await Refused(() => eng.CreateFactoryAsync("Night shift"), HttpStatusCode.Forbidden, "Role 'engineer' may not create factories");
        await Refused(() => eng.CreateCredentialAsync(new CreateCredentialRequest("x")), HttpStatusCode.Forbidden);
        (await eng.JobActionAsync(job.Id, "pause")).Status.ShouldBe(JobStatus.Paused);
        (await owner.ListAuditAsync()).First(a => a.Action == "job.pause").Actor.ShouldContain("Erin Engineer");
    }
}

public sealed class AccountApiTests_Sqlite(SqliteCloudFixture f) : AccountApiTests(f), IClassFixture<SqliteCloudFixture>;

public sealed class AccountApiTests_Postgres(PostgresCloudFixture f) : AccountApiTests(f), IClassFixture<PostgresCloudFixture>;
