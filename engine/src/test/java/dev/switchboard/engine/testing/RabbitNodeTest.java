package dev.switchboard.engine.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class RabbitNodeTest {

  private static final String QUEUE = "rabbit-node-test";

  private RabbitNode node;

  @BeforeAll
  void startNode() {
    node = RabbitNode.start(RabbitNode.freePort());
  }

  @AfterAll
  void closeNode() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void stopAppRefusesConnectionsAndStartAppAcceptsThemAgain() throws Exception {
    assertThat(node.amqpUri()).isEqualTo("amqp://guest:guest@127.0.0.1:" + node.port());
    assertThat(node.nodeName()).startsWith("sb-test-" + node.port() + "@");
    ConnectionFactory factory = factory(node.amqpUri());
    try (Connection connection = factory.newConnection();
        Channel channel = connection.createChannel()) {
      channel.queueDeclare(QUEUE, true, false, false, null);
    }

    node.stopApp();
    assertThatThrownBy(() -> factory.newConnection().close()).isInstanceOf(IOException.class);

    node.startApp();
    try (Connection connection = factory.newConnection();
        Channel channel = connection.createChannel()) {
      assertThat(channel.queueDeclarePassive(QUEUE).getQueue()).isEqualTo(QUEUE);
    }
  }

  @Test
  void addVhostGivesGuestAccess() throws Exception {
    node.addVhost("private-vhost");
    try (Connection connection = factory(node.amqpUri() + "/private-vhost").newConnection();
        Channel channel = connection.createChannel()) {
      assertThat(channel.queueDeclare().getQueue()).isNotEmpty();
    }
  }

  private static ConnectionFactory factory(String uri) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(uri);
    factory.setAutomaticRecoveryEnabled(false);
    factory.setConnectionTimeout(5000);
    return factory;
  }
}
