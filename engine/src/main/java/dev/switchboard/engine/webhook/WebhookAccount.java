package dev.switchboard.engine.webhook;

/**
 * What the engine needs of an account to call it back.
 *
 * @param inboundUrl where inbound messages go; null when the account takes none
 * @param secret the HMAC key events are signed with; null when not configured (its events are
 *     dead-lettered, never sent unsigned)
 */
public record WebhookAccount(String id, String inboundUrl, String secret) {
  public WebhookAccount {
    inboundUrl = inboundUrl == null || inboundUrl.isBlank() ? null : inboundUrl;
    secret = secret == null || secret.isEmpty() ? null : secret;
  }

  @Override
  public String toString() {
    // Never the secret in a log line.
    return "WebhookAccount[id=" + id + ", inboundUrl=" + inboundUrl + "]";
  }
}
