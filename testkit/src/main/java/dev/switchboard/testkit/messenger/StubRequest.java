package dev.switchboard.testkit.messenger;

import java.util.Map;

/**
 * Any request the stub's Graph API received, taken or not, with what it answered.
 *
 * @param headers lower-case names, the first value of each
 * @param status the HTTP status answered
 * @param errorCode the Graph error code answered, 0 for a success
 */
public record StubRequest(
    String method,
    String path,
    String query,
    Map<String, String> headers,
    String body,
    int status,
    int errorCode) {

  public StubRequest {
    headers = Map.copyOf(headers);
  }
}
