using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Wibot.Api.Tests.Infrastructure;
using Wibot.Application.Common.Interfaces;
using Wibot.Infrastructure.Persistence;

namespace Wibot.Api.Tests.Chat;

/// <summary>Admission by the message's estimated size, and reservations owned by the instance that made them.</summary>
public sealed class QuotaAdmissionTests(WibotFactory factory) : ChatTestBase(factory)
{
    [Fact]
    public async Task AMessageWhoseInputDoesNotFitWhatRemains_Is429SayingSo_AndTheModelIsNotCalled()
    {
        var (user, client) = await TechAsync();
        (await ChatAsync(client, new { message = "bonjour", mode = "flash" })).StatusCode.Should().Be(HttpStatusCode.OK);
        await WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE user_token_usage SET quota_tokens = used_tokens + 3000 WHERE user_id = {user.Id}"));
        Factory.Model.Reset();

        using var form = new MultipartFormDataContent { { new StringContent("analyse ce journal"), "message" }, { new StringContent("code"), "mode" } };
        var log = new ByteArrayContent(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("2026-11-24 08:00:01 ERROR disk full on SRV-FS01\n", 4000))));
        log.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        form.Add(log, "file", "serveur.log");
        var refused = await client.PostAsync("/webhook/wibot/chat", form);

        await AssertProblemAsync(refused, 429);
        var problem = await ReadJsonAsync(refused);
        problem.GetProperty("type").GetString().Should().EndWith("/quota-exceeded");
        problem.GetProperty("detail").GetString().Should().Contain("tokens");
        Factory.Model.Requests.Should().BeEmpty();
        (await ReservedTokensAsync(user.Id)).Should().Be(0);

        (await ChatAsync(client, new { message = "et maintenant ?", mode = "flash" })).StatusCode.Should().Be(HttpStatusCode.OK, "a short message still fits");
    }

    [Fact]
    public async Task AnotherInstanceStarting_DoesNotFreeLiveReservations_ButExpiredOnesAreFreed()
    {
        var user = await CreateUserAsync("holder");
        TokenReservation reservation;
        using (var scope = Factory.Services.CreateScope())
        {
            reservation = await scope.ServiceProvider.GetRequiredService<ITokenLedger>().ReserveAsync(user.Id, DateTimeOffset.UtcNow, 100, 1500, default);
        }

        (await ReservedTokensAsync(user.Id)).Should().Be(1500);

        await Factory.Services.InitializeDatabaseAsync(); // what a (re)starting instance runs
        (await ReservedTokensAsync(user.Id)).Should().Be(1500, "the reservation belongs to a live request of another instance");

        await WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE token_reservations SET expires_at = now() - interval '1 second' WHERE reservation_id = {reservation.ReservationId}"));
        await Factory.Services.InitializeDatabaseAsync();
        (await ReservedTokensAsync(user.Id)).Should().Be(0, "an expired reservation (its request cannot still be running) is freed");
        (await WithDbAsync(db => db.Database.SqlQuery<long>($"SELECT count(*) AS \"Value\" FROM token_reservations").SingleAsync())).Should().Be(0);
    }
}
