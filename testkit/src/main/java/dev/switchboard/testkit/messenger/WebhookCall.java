package dev.switchboard.testkit.messenger;

/**
 * What our endpoint answered one call the stub made as Meta.
 *
 * @param status the HTTP status, or -1 when the call got no answer
 * @param mid the message id the call carried, when it carried one
 */
public record WebhookCall(int status, String body, String mid) {

  public boolean ok() {
    return status == 200;
  }
}
