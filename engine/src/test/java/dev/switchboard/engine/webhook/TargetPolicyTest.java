package dev.switchboard.engine.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TargetPolicyTest {
  private final TargetPolicy strict = new TargetPolicy(false);
  private final TargetPolicy open = new TargetPolicy(true);

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://example.com/hooks",
        "https://example.com:8443/hooks?x=1",
        "https://93.184.216.34/hooks",
        "https://[2606:2800:220:1:248:1893:25c8:1946]/hooks"
      })
  void publicHttpsTargetsAreAllowed(String url) {
    assertThat(strict.checkUrl(url)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://example.com/hooks",
        "ftp://example.com/hooks",
        "https:///nohost",
        "not a url",
        "/relative",
        "https://user:pass@example.com/hooks",
        "https://localhost/hooks",
        "https://LOCALHOST./hooks",
        "https://api.localhost/hooks",
        "https://127.0.0.1/hooks",
        "https://10.1.2.3/hooks",
        "https://172.16.0.1/hooks",
        "https://172.31.255.255/hooks",
        "https://192.168.1.1/hooks",
        "https://169.254.169.254/latest/meta-data",
        "https://100.64.0.1/hooks",
        "https://100.127.255.255/hooks",
        "https://0.0.0.0/hooks",
        "https://224.0.0.1/hooks",
        "https://[::1]/hooks",
        "https://[::]/hooks",
        "https://[fe80::1]/hooks",
        "https://[fc00::1]/hooks",
        "https://[fd12:3456::1]/hooks",
        "https://[ff02::1]/hooks",
        "https://[::ffff:127.0.0.1]/hooks"
      })
  void everythingElseIsRefused(String url) {
    assertThat(strict.checkUrl(url)).as(url).isPresent();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"https://172.32.0.1/hooks", "https://100.128.0.1/hooks", "https://11.0.0.1/x"})
  void neighboursOfPrivateRangesArePublic(String url) {
    assertThat(strict.checkUrl(url)).as(url).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://127.0.0.1:8080/hooks",
        "http://localhost/hooks",
        "https://10.0.0.1/hooks",
        "http://[::1]:9000/x"
      })
  void allowPrivateAllowsPlainHttpAndEveryAddress(String url) {
    assertThat(open.checkUrl(url)).as(url).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ftp://example.com/", "not a url", "http:///nohost"})
  void allowPrivateStillWantsAnHttpUrlWithAHost(String url) {
    assertThat(open.checkUrl(url)).as(url).isPresent();
  }

  @org.junit.jupiter.api.Test
  void aNameResolvingToAPrivateAddressIsRefusedAtDelivery() throws Exception {
    List<InetAddress> rebound =
        List.of(InetAddress.getByName("93.184.216.34"), InetAddress.getByName("10.0.0.7"));

    assertThat(strict.checkAddresses("hooks.example.com", rebound))
        .hasValueSatisfying(reason -> assertThat(reason).contains("10.0.0.7"));
    assertThat(strict.checkAddresses("hooks.example.com", rebound.subList(0, 1))).isEmpty();
    assertThat(open.checkAddresses("hooks.example.com", rebound)).isEmpty();
  }
}
