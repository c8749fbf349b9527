package dev.switchboard.engine.provider;

/** What a {@link ProviderEndpoint} answers its peer. */
public sealed interface EndpointReply {

  /** The kinds of body an endpoint answers with. */
  enum BodyType {
    TEXT,
    JSON,
    XML
  }

  /** A 2xx answer with its body (empty for none). */
  record Answer(int status, BodyType type, String body) implements EndpointReply {
    public Answer {
      if (status < 200 || status > 299) {
        throw new IllegalArgumentException("an answer is 2xx, not " + status);
      }
    }
  }

  /**
   * The request was refused and nothing it carried was reported: the API's error body with our code
   * and words, never the peer's input.
   */
  record Refused(int status, String code, String message) implements EndpointReply {
    public Refused {
      if (status < 400 || status > 499) {
        throw new IllegalArgumentException("a refusal is 4xx, not " + status);
      }
    }
  }

  /** {@code 200} with no body. */
  static EndpointReply ok() {
    return new Answer(200, BodyType.TEXT, "");
  }

  static EndpointReply text(String body) {
    return new Answer(200, BodyType.TEXT, body);
  }

  static EndpointReply json(String body) {
    return new Answer(200, BodyType.JSON, body);
  }

  static EndpointReply xml(String body) {
    return new Answer(200, BodyType.XML, body);
  }

  /** {@code 401}: the signature is missing or does not hold. */
  static EndpointReply unauthorized(String message) {
    return new Refused(401, "unauthorized", message);
  }

  /** {@code 403}: a handshake with the wrong verify token. */
  static EndpointReply forbidden(String message) {
    return new Refused(403, "forbidden", message);
  }

  /** {@code 400}: signed, but not what the provider sends. */
  static EndpointReply invalid(String message) {
    return new Refused(400, "invalid_request", message);
  }

  /** {@code 404}: no such path under the endpoint. */
  static EndpointReply notFound() {
    return new Refused(404, "not_found", "no such resource");
  }
}
