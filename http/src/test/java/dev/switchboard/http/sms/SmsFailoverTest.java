package dev.switchboard.http.sms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.engine.testing.SharedBroker;
import dev.switchboard.http.testing.ProviderRecord;
import dev.switchboard.http.testing.Resources;
import dev.switchboard.http.testing.Sent;
import dev.switchboard.http.testing.SmscRecord;
import dev.switchboard.http.testing.TestNode;
import dev.switchboard.http.testing.TrafficChecker;
import dev.switchboard.http.testing.TwilioRecord;
import dev.switchboard.testkit.smsc.SmscSimulator;
import dev.switchboard.testkit.twilio.TwilioStub;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The {@code sms} channel with its two real providers, the SMSC first and Twilio second, under a
 * steady stream of sends: the SMSC starts refusing every submit (its bind stays up), its circuit
 * breaker opens and the traffic moves to Twilio; the SMSC recovers, a trial closes the breaker and
 * the traffic comes back. The fault suite's checker ends it: every message delivered, by exactly
 * one of the two, once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmsFailoverTest {
  private static final Duration OPEN_FOR = Duration.ofSeconds(5);
  private static final String TOKEN = "twilio-token-" + UUID.randomUUID();
  private static final String SMPP = "smsc-" + UUID.randomUUID().toString().substring(0, 8);
  private static final int ESME_RSYSERR = 0x08;

  private SmscSimulator smsc;
  private TwilioStub twilio;
  private String amqpUri;
  private TestNode node;
  private TrafficChecker traffic;

  @BeforeAll
  void start() throws Exception {
    smsc = SmscSimulator.start(SmscSimulator.Options.defaults().withCredentials("sb", "s3cret"));
    twilio = TwilioStub.start(TwilioStub.newAccountSid(), TOKEN);
    amqpUri = SharedBroker.freshVhostUri("sms-failover");
    int port = freePort();
    node =
        TestNode.start(
            amqpUri,
            Map.of(
                "switchboard.http.port",
                port,
                "switchboard.http.public-url",
                "http://127.0.0.1:" + port,
                "switchboard.engine.delivery.retry-backoff.min",
                "50ms",
                "switchboard.engine.delivery.retry-backoff.max",
                "200ms",
                "switchboard.engine.channels.sms.providers",
                List.of(
                    Map.of(
                        "type",
                        "smpp",
                        "name",
                        SMPP,
                        "uri",
                        "smpp://sb:s3cret@127.0.0.1:" + smsc.port() + "?source=Switchboard",
                        "circuit-breaker",
                        Map.of(
                            "consecutive-failures", 3,
                            "open-for", OPEN_FOR.toMillis() + "ms",
                            "half-open-trials", 1)),
                    Map.of(
                        "type",
                        "twilio",
                        "name",
                        "twilio",
                        "base-url",
                        twilio.baseUrl(),
                        "account-sid",
                        twilio.accountSid(),
                        "auth-token",
                        TOKEN,
                        "from",
                        "+15005550006"))));
    String vhost = SharedBroker.vhostOf(amqpUri);
    traffic =
        new TrafficChecker(
            node,
            "SmsFailoverTest",
            new EitherProvider(SmscRecord.of(smsc), TwilioRecord.of(twilio)),
            () -> SharedBroker.queueCounts(vhost));
    await("both providers up")
        .atMost(Duration.ofSeconds(30))
        .until(() -> status(SMPP).equals("UP") && status("twilio").equals("UP"));
  }

  @AfterAll
  void stop() throws Exception {
    try {
      Resources.closeAll(traffic, node, smsc, twilio);
    } finally {
      SharedBroker.deleteVhost(SharedBroker.vhostOf(amqpUri));
    }
  }

  @Test
  void trafficMovesToTwilioWhileTheSmscFailsAndComesBackWhenItRecovers() throws Exception {
    AtomicBoolean sending = new AtomicBoolean(true);
    ExecutorService sender = Executors.newSingleThreadExecutor();
    sender.execute(
        () -> {
          int i = 0;
          while (sending.get()) {
            Sent s = traffic.send("sms", TrafficChecker.recipient(i++ % 8), "failover", null);
            assertThat(s.status()).as(s.body()).isEqualTo(202);
            // The client's own pace, not a wait for a condition of the test.
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(40));
          }
        });
    try {
      await("the SMSC takes the traffic")
          .atMost(Duration.ofSeconds(30))
          .until(() -> smsc.submittedCount() >= 20);
      assertThat(twilio.acceptedCount()).isZero();

      smsc.failNext(Integer.MAX_VALUE, ESME_RSYSERR);
      await("the SMSC's breaker open")
          .atMost(Duration.ofSeconds(30))
          .until(() -> breaker(SMPP).equals("open"));
      int twilioAtOpen = twilio.acceptedCount();
      await("Twilio takes the traffic")
          .atMost(Duration.ofSeconds(30))
          .until(() -> twilio.acceptedCount() >= twilioAtOpen + 20);
      assertThat(node.management("/health/ready").status()).as("still ready").isEqualTo(200);

      smsc.failNext(0, ESME_RSYSERR);
      await("the SMSC's breaker closed after a trial")
          .atMost(OPEN_FOR.plusSeconds(30))
          .until(() -> breaker(SMPP).equals("closed"));
      int twilioAtClose = twilio.acceptedCount();
      long smscAtClose = smsc.submittedCount();
      await("the SMSC takes the traffic again")
          .atMost(Duration.ofSeconds(30))
          .until(() -> smsc.submittedCount() >= smscAtClose + 20);
      assertThat(twilio.acceptedCount())
          .as("Twilio no longer takes new messages, beyond the few already on their way")
          .isLessThanOrEqualTo(twilioAtClose + 10);
    } finally {
      sending.set(false);
      sender.shutdown();
      assertThat(sender.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(traffic.sent()).as("every send accepted").allMatch(s -> s.status() == 202);
    traffic
        .awaitSettled(traffic.sent(), "SMSC failing, then recovered", Duration.ofSeconds(60))
        .assertInvariants();
    assertThat(
            node.metric(
                "switchboard_provider_breaker_transitions_total",
                "provider=\"" + SMPP + "\"",
                "to=\"open\""))
        .isEqualTo(1);
  }

  private String status(String provider) {
    return node.component("provider." + provider).path("status").asText();
  }

  private String breaker(String provider) {
    JsonNode component = node.component("provider." + provider);
    return component.path("breaker").asText();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Each message reaches one provider or the other: the attempts of both count. */
  private record EitherProvider(ProviderRecord first, ProviderRecord second)
      implements ProviderRecord {
    @Override
    public int attempts(Sent sent) {
      return first.attempts(sent) + second.attempts(sent);
    }

    @Override
    public int expectedAttempts(Sent sent) {
      return 1;
    }

    @Override
    public String expectedStatus(Sent sent) {
      return "delivered";
    }
  }
}
