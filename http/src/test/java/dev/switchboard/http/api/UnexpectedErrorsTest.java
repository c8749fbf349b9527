package dev.switchboard.http.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.junit.jupiter.api.Test;

class UnexpectedErrorsTest {
  @Test
  void anUnexpectedFailureIsAnsweredWithTheErrorBodyAndCounted() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    UnexpectedErrors errors = new UnexpectedErrors(meters);

    HttpResponse first = errors.handle(new IllegalStateException("boom"));
    errors.handle(new NullPointerException());

    assertThat(first.status()).isEqualTo(StatusCodes.INTERNAL_SERVER_ERROR);
    assertThat(meters.counter("switchboard.http.unexpected.errors").count()).isEqualTo(2.0);
  }
}
