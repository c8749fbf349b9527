package dev.switchboard.engine.broker;

import java.util.List;

/** A broker site: one RabbitMQ cluster, reached through any of its nodes' AMQP URIs. */
public record Site(String name, List<String> uris) {
  public Site {
    if (uris.isEmpty()) {
      throw new IllegalArgumentException("site " + name + " has no broker URI");
    }
    uris = List.copyOf(uris);
  }
}
